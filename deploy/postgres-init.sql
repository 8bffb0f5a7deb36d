-- One database per service: no service reads another's tables.
CREATE DATABASE recruitment;
CREATE DATABASE appreciation;
CREATE DATABASE notifications;
