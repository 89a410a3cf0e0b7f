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
    if (app.colorScheme) document.documentElement.dataset.theme = app.colorScheme;
    if (app.onEvent) app.onEvent("themeChanged", function () { document.documentElement.dataset.theme = app.colorScheme; });
  }

  // Infinite scroll: when «Показать ещё» comes into view, press it.
  var observed = null;
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting && !entry.target.disabled) entry.target.click();
    });
  }, { rootMargin: "400px" }) : null;

  function tick() {
    wireTelegram();
    syncTelegramButtons();
    var more = document.getElementById("load-more");
    if (observer && more !== observed) {
      if (observed) observer.unobserve(observed);
      if (more) observer.observe(more);
      observed = more;
    }
  }
  setInterval(tick, 300);
})();
