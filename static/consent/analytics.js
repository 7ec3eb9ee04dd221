/* Google Analytics 4 under Google Consent Mode v2. Loaded (from our own origin) only when
   GA_MEASUREMENT_ID is set. Everything starts denied; Google's tag is fetched only when the
   visitor accepted "Analytisch" (data-granted, or the banner's consent:changed event).
   While analytics is not accepted, the _ga cookies are removed. */
(function () {
  "use strict";
  var config = document.getElementById("analytics-loader");
  if (!config) {
    return;
  }
  var measurementId = config.getAttribute("data-measurement-id");
  var loaded = false;

  window.dataLayer = window.dataLayer || [];
  function gtag() {
    window.dataLayer.push(arguments);
  }
  gtag("consent", "default", {
    ad_storage: "denied",
    ad_user_data: "denied",
    ad_personalization: "denied",
    analytics_storage: "denied"
  });

  function load() {
    gtag("consent", "update", { analytics_storage: "granted" });
    if (loaded) {
      return;
    }
    loaded = true;
    gtag("js", new Date());
    gtag("config", measurementId);
    var tag = document.createElement("script");
    tag.async = true;
    tag.src = "https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(measurementId);
    document.head.appendChild(tag);
  }

  // _ga, _ga_<container id>, _gid, _gat: on this host and on each parent domain.
  function removeAnalyticsCookies() {
    var names = document.cookie.split(";").map(function (part) {
      return part.split("=")[0].trim();
    }).filter(function (name) {
      return name === "_ga" || name === "_gid" || name === "_gat" || name.indexOf("_ga_") === 0;
    });
    var labels = window.location.hostname.split(".");
    var domains = [""];
    for (var i = 0; i < labels.length - 1; i++) {
      domains.push("; domain=." + labels.slice(i).join("."));
    }
    names.forEach(function (name) {
      domains.forEach(function (domain) {
        document.cookie = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/" + domain;
      });
    });
  }

  if (config.getAttribute("data-granted") === "true") {
    load();
  } else {
    removeAnalyticsCookies();
  }
  document.addEventListener("consent:changed", function (event) {
    if (event.detail && event.detail.analytics) {
      load();
    } else {
      gtag("consent", "update", { analytics_storage: "denied" });
      removeAnalyticsCookies();
    }
  });
})();
