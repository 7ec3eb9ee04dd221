/* The cookie banner without a page load: the same form is posted with fetch; the server
   answers JSON, the banner goes and analytics.js hears the decision. Without this script
   (or when fetch fails) the form is posted the ordinary way. */
(function () {
  "use strict";
  var banner = document.querySelector("[data-cookie-banner]");
  if (!banner || !window.fetch || !window.FormData) {
    return;
  }
  var form = banner.querySelector("form");
  var plain = false;

  form.addEventListener("submit", function (event) {
    if (plain) {
      return;
    }
    var button = event.submitter;
    if (!button || button.name !== "choice") {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    data.append(button.name, button.value);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        // The question goes; a short confirmation stays in its place (announced, and
        // focused when the visitor was on one of the buttons).
        var hadFocus = banner.contains(document.activeElement);
        var wrap = banner.querySelector(".wrap") || banner;
        var status = document.createElement("p");
        status.className = "cookie-banner-done";
        status.setAttribute("role", "status");
        status.tabIndex = -1;
        status.textContent = answer.message;
        var title = banner.querySelector("h2");
        if (title) {
          wrap.replaceChildren(title, status);
        } else {
          wrap.replaceChildren(status);
        }
        banner.classList.add("cookie-banner-decided");
        if (hadFocus) {
          status.focus();
        }
        document.dispatchEvent(new CustomEvent("consent:changed", { detail: { analytics: answer.analytics === true } }));
      })
      .catch(function () {
        plain = true;
        form.requestSubmit(button);
      });
  });
})();
