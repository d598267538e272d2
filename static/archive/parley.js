/* Parley: small progressive enhancements. Every page works without this file.
   1. Copy-citation buttons beside each citation (one per style on a statement's page).
   2. Mark the turn named by the URL fragment (.is-targeted, alongside CSS :target). */
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Fallback for plain-http hosts: a hidden textarea and execCommand.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try {
        document.execCommand("copy") ? resolve() : reject(new Error("copy failed"));
      } catch (error) {
        reject(error);
      } finally {
        document.body.removeChild(area);
      }
    });
  }

  function addCopyButtons(root) {
    root.querySelectorAll(".citation [data-citation]").forEach(function (citation) {
      if (citation.nextElementSibling && citation.nextElementSibling.classList.contains("copy-button")) {
        return;
      }
      var button = document.createElement("button");
      var style = citation.getAttribute("data-style");
      var label = style ? "Copy " + style + " citation" : "Copy citation";
      button.type = "button";
      button.className = "copy-button";
      button.textContent = label;
      button.addEventListener("click", function () {
        copyText(citation.textContent.trim()).then(
          function () {
            button.textContent = "Copied";
            button.setAttribute("data-copied", "");
            window.setTimeout(function () {
              button.textContent = label;
              button.removeAttribute("data-copied");
            }, 2000);
          },
          function () {
            button.textContent = "Select the text to copy";
          }
        );
      });
      citation.insertAdjacentElement("afterend", button);
    });
  }

  function fragmentId() {
    // An address can carry any fragment ("#%", "#t4%"): one that is not valid percent-encoding
    // is taken as it is, not thrown on.
    var fragment = window.location.hash.slice(1);
    try {
      return decodeURIComponent(fragment);
    } catch (error) {
      return fragment;
    }
  }

  function markTarget() {
    document.querySelectorAll(".turn.is-targeted").forEach(function (turn) {
      turn.classList.remove("is-targeted");
    });
    var id = fragmentId();
    if (!id) return;
    var target = document.getElementById(id);
    if (target && target.classList.contains("turn")) {
      target.classList.add("is-targeted");
      target.setAttribute("tabindex", "-1");
    }
  }

  addCopyButtons(document);
  markTarget();
  window.addEventListener("hashchange", markTarget);
  window.Parley = { addCopyButtons: addCopyButtons };
})();
