// Progressive enhancement of a vacancy's description: the plain <textarea> (which works without
// JavaScript; the server sanitises what it gets) becomes a Trix editor with a toolbar. The editor
// writes its HTML into a hidden input with the textarea's name, so the form posts the same field.
(function () {
  "use strict";
  var DUTCH = {
    bold: "Vet", italic: "Cursief", strike: "Doorhalen", link: "Link", heading1: "Kop",
    quote: "Citaat", code: "Code", bullets: "Opsomming", numbers: "Nummering",
    outdent: "Minder inspringen", indent: "Meer inspringen", undo: "Ongedaan maken", redo: "Opnieuw",
    url: "Webadres", urlPlaceholder: "Typ een webadres…", unlink: "Link weghalen", remove: "Weghalen",
    attachFiles: "Bestanden toevoegen", captionPlaceholder: "Onderschrift"
  };

  function enhance(area) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = area.name;
    input.id = area.id + "-html";
    input.value = area.value;
    var editor = document.createElement("trix-editor");
    editor.setAttribute("input", input.id);
    editor.id = area.id; // the error summary's link and the label keep pointing at it
    editor.className = "trix-content";
    var label = document.querySelector('label[for="' + area.id + '"]');
    if (label) {
      label.id = label.id || area.id + "-label";
      editor.setAttribute("aria-labelledby", label.id);
    }
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (area.hasAttribute(name)) { editor.setAttribute(name, area.getAttribute(name)); }
    });
    area.parentNode.insertBefore(input, area);
    area.parentNode.replaceChild(editor, area);
  }

  function start() {
    if (!window.Trix) { return; } // the library did not load: the plain textarea stays
    if ((document.documentElement.lang || "nl").indexOf("nl") === 0) {
      Object.assign(window.Trix.config.lang, DUTCH);
    }
    // Files are not part of a vacancy: refuse them instead of sending them nowhere.
    document.addEventListener("trix-file-accept", function (event) { event.preventDefault(); });
    document.querySelectorAll(".rich-text textarea").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
