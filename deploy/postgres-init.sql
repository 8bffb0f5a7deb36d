-- One database per service: no service reads another's tables.
-- UTF-8 is stated, not inherited: a cluster made in the C locale gives SQL_ASCII databases, on which
-- every service fails. template0, because template1 may hold another encoding. C.UTF-8 (glibc has it
-- everywhere) sorts by code point, as SQLite does and as the tests check on both.
CREATE DATABASE recruitment ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;
CREATE DATABASE appreciation ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;
CREATE DATABASE notifications ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;
