/* Parley: live results on the search page while typing. The form still submits normally;
   this only fetches the same page (same URL, same parameters) and swaps in its results and
   facets, so the server stays the one place that renders them. */
(function () {
  "use strict";

  var form = document.querySelector(".main-column > form.search-form");
  var column = form && form.parentElement;
  var sidebar = document.querySelector("aside.sidebar");
  if (!form || !window.fetch || !window.DOMParser) return;
  if (new URL(form.action, location.href).pathname !== location.pathname) return;

  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  column.insertBefore(status, form.nextSibling);

  var timer = null;
  var controller = null;

  function query() {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (key) {
      if (!params.get(key)) params.delete(key);
    });
    return params.toString();
  }

  function swap(html, url) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var freshForm = fresh.querySelector(".main-column > form.search-form");
    if (!freshForm) return;
    // Everything after the form (notes, count, results, pagination) comes from the server.
    while (status.nextSibling) column.removeChild(status.nextSibling);
    var node = freshForm.nextSibling;
    while (node) {
      var next = node.nextSibling;
      column.appendChild(document.adoptNode(node));
      node = next;
    }
    var freshSidebar = fresh.querySelector("aside.sidebar");
    if (sidebar && freshSidebar) sidebar.innerHTML = freshSidebar.innerHTML;
    var count = column.querySelector(".results-count");
    status.textContent = count ? count.textContent.trim() : "";
    document.title = fresh.title;
    history.replaceState(null, "", url);
  }

  function update() {
    var qs = query();
    var url = location.pathname + (qs ? "?" + qs : "");
    if (controller) controller.abort();
    controller = new AbortController();
    column.setAttribute("aria-busy", "true");
    fetch(url, { signal: controller.signal, headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        swap(html, url);
      })
      .catch(function () {
        /* Typing on, or offline: the form still submits normally. */
      })
      .finally(function () {
        column.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 300);
  });
  form.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") {
      window.clearTimeout(timer);
      update();
    }
  });
})();
