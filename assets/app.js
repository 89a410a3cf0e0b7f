// Small bridges between the page and Telegram's WebApp API. Reflex owns the state; these only
// forward Telegram's native buttons to ordinary page buttons, so every action still goes
// through the same server-side event handler.
(function () {
  function tg() { return window.Telegram && window.Telegram.WebApp; }

  // Telegram's BackButton on inner screens: back to the list with its scroll and filters.
  // MainButton on the detail screen: the in-page «Откликнуться» button, with progress.
  function syncTelegramButtons() {
    var app = tg();
    if (!app) return;
    var inner = location.pathname !== "/";
    if (app.BackButton) { inner ? app.BackButton.show() : app.BackButton.hide(); }
    var respond = document.getElementById("respond-btn");
    if (app.MainButton) {
      if (respond && !respond.disabled) {
        app.MainButton.setText("Откликнуться");
        app.MainButton.show();
        respond.dataset.sending === "true" ? app.MainButton.showProgress() : app.MainButton.hideProgress();
      } else {
        app.MainButton.hideProgress();
        app.MainButton.hide();
      }
    }
  }

  function wireTelegram() {
    var app = tg();
    if (!app || app.__cargoWired) return;
    app.__cargoWired = true;
    if (app.BackButton) app.BackButton.onClick(function () { history.back(); });
    if (app.MainButton) app.MainButton.onClick(function () {
      var respond = document.getElementById("respond-btn");
      if (respond && !respond.disabled) respond.click();
    });
    // Every screen scrolls vertically: with Telegram's swipe gesture on, pulling down at the top
    // of the list docks or closes the app instead of scrolling (Bot API 7.7 lets us turn it off).
    if (app.isVersionAtLeast("7.7")) app.disableVerticalSwipes();
    // The stable viewport and the insets are Telegram's (CSS variables its script keeps current);
    // a plain browser keeps the CSS fallbacks.
    if (app.platform && app.platform !== "unknown") document.documentElement.classList.add("tg-viewport");
    applyTheme(app);
    if (app.onEvent) app.onEvent("themeChanged", function () { applyTheme(app); });
  }

  // Telegram's header, window background and bottom bar in the page's own colours, so its chrome
  // runs seamlessly into the screen: the header and background are the page background
  // (secondary_bg), the bottom bar is the bottom navigation's card colour.
  function applyTheme(app) {
    var theme = app.themeParams || {};
    if (app.colorScheme) document.documentElement.dataset.theme = app.colorScheme;
    var page = theme.secondary_bg_color, bar = theme.section_bg_color || theme.bg_color;
    try {
      if (app.isVersionAtLeast("6.9") && page) app.setHeaderColor(page);
      else if (app.isVersionAtLeast("6.1")) app.setHeaderColor("secondary_bg_color");
      if (app.isVersionAtLeast("6.1") && page) app.setBackgroundColor(page);
      if (app.isVersionAtLeast("7.10") && bar) app.setBottomBarColor(bar);
    } catch (e) { /* a malformed theme colour: Telegram keeps its own */ }
  }

  // A live change of a response's status (a dispatcher accepted or rejected it) is felt as well
  // as seen. The marker appears once the page is hydrated; its first value is the baseline.
  var lastStatusChange = null;
  function statusHaptic() {
    var marker = document.getElementById("live-status-change");
    if (!marker) return;
    var value = marker.getAttribute("data-change") || "";
    if (lastStatusChange !== null && value !== lastStatusChange) {
      var kind = marker.getAttribute("data-kind");
      var app = tg();
      if (kind && app && app.HapticFeedback && app.isVersionAtLeast("6.1")) app.HapticFeedback.notificationOccurred(kind);
    }
    lastStatusChange = value;
  }

  // «Поделиться»: Telegram's share dialog for the cargo's deep link (t.me/share/url through
  // openTelegramLink, which every client since 6.1 opens in-app and older ones as a t.me link).
  // switchInlineQuery would need the bot's inline mode and shareMessage a prepared message
  // (Bot API 8.0 savePreparedInlineMessage); the share URL needs neither. Outside Telegram the
  // browser's own share sheet, or the link in a new tab.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-share-url]");
    if (!button) return;
    var url = button.getAttribute("data-share-url");
    if (!url || url.indexOf("https://t.me/") !== 0) return;
    event.preventDefault();
    var app = tg();
    if (app && app.initData) {
      try {
        if (app.isVersionAtLeast && app.isVersionAtLeast("6.1")) { app.openTelegramLink(url); return; }
      } catch (e) { /* refused: an old client still follows a plain t.me link */ }
      location.href = url;
      return;
    }
    if (navigator.share) {
      var params = new URL(url).searchParams;
      navigator.share({ url: params.get("url") || url, text: params.get("text") || "" }).catch(function () {});
    } else {
      window.open(url, "_blank", "noopener");
    }
  });

  // Infinite scroll: when «Показать ещё» comes into view, press it.
  var observed = null;
  var pressedWith = -1;  // cards on screen when the scroll last pressed it
  function cardsShown() { return document.querySelectorAll("[data-testid=cargo-card]").length; }
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting && !entry.target.disabled) { pressedWith = cardsShown(); entry.target.click(); }
    });
  }, { rootMargin: "400px" }) : null;
  // A page that added only a few cards leaves the button in view, and the observer reports no
  // change: while it stays in view, it is pressed again each time the list has grown since.
  // (A page that added nothing is continued by the server; a failure has its own retry.)
  function pressMoreInView(more) {
    if (!more || more.disabled) return;
    var rect = more.getBoundingClientRect();
    if (rect.top > window.innerHeight + 400 || rect.bottom < -400) return;
    var shown = cardsShown();
    if (shown === pressedWith) return;
    pressedWith = shown;
    more.click();
  }

  // Recovery without taps. The server marks buttons with data-auto-in (seconds; -1: nothing
  // scheduled) and data-auto-seq; a new pair starts a countdown, and when it runs out while the
  // page is visible the button is pressed once, going through its ordinary event handler. A page
  // hidden meanwhile presses it as soon as it is visible again. A [data-countdown-for] element
  // shows the seconds left.
  var timers = {};
  function autoPress(now) {
    var visible = document.visibilityState !== "hidden";
    var seen = {};
    document.querySelectorAll("[data-auto-seq]").forEach(function (el) {
      var id = el.id;
      if (!id) return;
      seen[id] = true;
      var seconds = parseInt(el.getAttribute("data-auto-in") || "-1", 10);
      var key = el.getAttribute("data-auto-seq") + ":" + seconds;
      var timer = timers[id];
      if (!timer || timer.key !== key) {
        timer = timers[id] = { key: key, due: seconds >= 0 ? now + seconds * 1000 : null, pressed: false };
      }
      var label = document.querySelector('[data-countdown-for="' + id + '"]');
      if (timer.due !== null && label) {
        var left = Math.max(0, Math.ceil((timer.due - now) / 1000));
        label.textContent = left > 0 ? ", повторим через " + left + " с" : ", повторяем…";
      }
      if (timer.due !== null && !timer.pressed && visible && now >= timer.due && !el.disabled) {
        timer.pressed = true;
        el.click();
      }
    });
    Object.keys(timers).forEach(function (id) { if (!seen[id]) delete timers[id]; });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") return;
    // Back from another app: whatever came due meanwhile, or is still counting, goes now.
    var now = Date.now();
    Object.keys(timers).forEach(function (id) { if (timers[id].due !== null) timers[id].due = Math.min(timers[id].due, now); });
    autoPress(now);
  });

  // A tap with no connection waits in the page's event queue and goes out when the connection
  // returns. A button with a [data-offline-note-for] element says so at once; the note goes when
  // the connection is back (the server's answer then shows as usual).
  function offline() { return !!document.querySelector("[data-testid=offline-bar]"); }
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("button[id]");
    if (!button || button.disabled || !offline()) return;
    var note = document.querySelector('[data-offline-note-for="' + button.id + '"]');
    if (note) note.textContent = note.getAttribute("data-offline-text") || "";
  }, true);
  function clearOfflineNotes() {
    if (offline()) return;
    document.querySelectorAll("[data-offline-note-for]").forEach(function (note) {
      if (note.textContent) note.textContent = "";
    });
  }

  // Every screen's code, fetched while the connection is there: the router loads a screen's
  // module on the first visit, and a module that fails to load (no signal) sends the browser to
  // a full page load, which shows its own offline page. Imported once here, the modules are in
  // the page's module map and a later tap needs no network for code.
  var screensLoaded = false, screensLoading = false;
  function preloadScreens() {
    var manifest = window.__reactRouterManifest;
    if (screensLoaded || screensLoading || !manifest || !manifest.routes) return;
    screensLoading = true;
    var modules = Object.keys(manifest.routes).map(function (id) { return manifest.routes[id].module; })
      .filter(Boolean);
    Promise.all(modules.map(function (url) { return import(url); }))
      .then(function () { screensLoaded = true; })
      .catch(function () { /* offline right now: the next tick tries again */ })
      .then(function () { screensLoading = false; });
  }

  function tick() {
    preloadScreens();
    autoPress(Date.now());
    clearOfflineNotes();
    wireTelegram();
    syncTelegramButtons();
    statusHaptic();
    var more = document.getElementById("load-more");
    if (observer && more !== observed) {
      if (observed) observer.unobserve(observed);
      if (more) observer.observe(more);
      observed = more;
    }
    pressMoreInView(more);
  }
  setInterval(tick, 300);
})();

// What the server asks of the page: event handlers call these by name through
// rx.call_script (cargo_webapp/app_js.py builds the call; it waits for this deferred file). Each
// returns, or resolves to, what the handler's callback receives.
window.cargoApp = (function () {
  function tg() { return window.Telegram && window.Telegram.WebApp; }

  return {
    // Sign-in (SessionState.open): Telegram's initData, '' outside Telegram. Telegram's script
    // may still be loading when the page hydrates, so wait for it briefly (1.5 s). Also tell
    // Telegram the app is ready and wants the full height.
    readInitData: function () {
      return new Promise(function (resolve) {
        var tries = 0;
        (function poll() {
          var app = tg();
          if (app || tries++ > 30) {
            if (app) { try { app.ready(); app.expand(); } catch (e) { /* an old client */ } }
            resolve(app && app.initData ? app.initData : "");
          } else { setTimeout(poll, 50); }
        })();
      });
    },

    // «Поделиться номером» on the detail (DetailState.ask_contact): the phone Telegram's
    // requestContact hands back, which only newer clients do; '' otherwise or when refused.
    requestContact: function () {
      return new Promise(function (resolve) {
        var app = tg();
        if (!app || !app.requestContact) { resolve(""); return; }
        try {
          app.requestContact(function (ok, result) {
            var contact = result && result.responseUnsafe && result.responseUnsafe.contact;
            resolve(ok && contact && contact.phone_number ? String(contact.phone_number) : "");
          });
        } catch (e) { resolve(""); }
      });
    },

    // While a response is on its way (DetailState.respond), closing the app asks first
    // (Telegram 6.2+).
    confirmClosing: function () {
      var app = tg();
      if (app && app.isVersionAtLeast("6.2")) app.enableClosingConfirmation();
    },

    // The response is sent or refused: closing no longer asks, and the driver feels the outcome
    // ("success" | "error", Telegram 6.1+).
    afterSending: function (outcome) {
      var app = tg();
      if (!app) return;
      if (app.isVersionAtLeast("6.2")) app.disableClosingConfirmation();
      if (app.isVersionAtLeast("6.1") && (outcome === "success" || outcome === "error")) {
        app.HapticFeedback.notificationOccurred(outcome);
      }
    },

    // The feed's filters from Telegram's CloudStorage (FeedState.load_first, when the server
    // has none saved): the JSON text, '' when missing, outside Telegram, or after 1.5 s.
    readCloudFilters: function () {
      return new Promise(function (resolve) {
        var app = tg();
        var storage = app && app.CloudStorage;
        if (!storage || !app.isVersionAtLeast("6.9")) { resolve(""); return; }
        setTimeout(function () { resolve(""); }, 1500);
        try {
          storage.getItem("filters", function (error, value) { resolve(error ? "" : (value || "")); });
        } catch (e) { resolve(""); }
      });
    },

    // The filters just applied (FeedState), kept in Telegram's CloudStorage as a second copy.
    saveCloudFilters: function (json) {
      var app = tg();
      if (app && app.CloudStorage) app.CloudStorage.setItem("filters", json);
    },

    // A light tick when a filter applies (FeedState).
    hapticSelection: function () {
      var app = tg();
      if (app && app.HapticFeedback) app.HapticFeedback.selectionChanged();
    },
    // The «N новых грузов» tap: the new cargos were merged in at the top; take the driver there.
    scrollToTop: function () {
      window.scrollTo({top: 0, behavior: "smooth"});
    },
  };
})();
