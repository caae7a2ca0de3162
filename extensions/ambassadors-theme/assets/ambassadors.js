// Ambassadors storefront blocks (signup and portal), loaded with `defer`. Talks to the app
// only through the app proxy (/apps/ambassadors/*); the contract is in ../README.md.
// The blocks' markup is rendered in Liquid: this script fills values into boxes that
// already have their size, and never moves content outside a block.
(function () {
  "use strict";
  var blocks = document.querySelectorAll("[data-ambassadors]");
  if (!blocks.length) return;
  var source = document.querySelector("[data-ambassadors-messages]");
  var words = {};
  try {
    words = JSON.parse(source ? source.textContent : "{}");
  } catch (e) {
    /* keep the server's English */
  }
  var portalRequest;

  function $(root, selector) {
    return root.querySelector(selector);
  }
  function say(el, text) {
    if (el) el.textContent = text || "";
  }
  // Keeps a block at its current height while its content changes, so nothing below moves.
  function keepHeight(el) {
    el.style.minHeight = el.offsetHeight + "px";
  }
  function portal(proxy) {
    if (!portalRequest) {
      portalRequest = fetch(proxy + "/portal", { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
        function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        }
      );
    }
    return portalRequest;
  }

  function showSignup(block, data) {
    var form = $(block, "form");
    var a = data.ambassador;
    var notice = !data.open
      ? "closed"
      : data.membership === "applied"
        ? "applied_" + data.application.status
        : a
          ? a.status === "invited" ? "invited" : a.status === "removed" ? "removed" : "member"
          : "";
    if (!notice) return;
    if (form && notice !== "invited") {
      keepHeight(block);
      form.hidden = true;
    }
    say($(block, "[data-ambassadors-notice]"), words[notice]);
  }

  function showPortal(block, data) {
    var a = data.ambassador;
    block.removeAttribute("aria-busy");
    if (data.membership !== "ambassador" || !a || (a.status !== "active" && a.status !== "paused")) {
      block.hidden = true;
      return;
    }
    function set(name, value) {
      var el = $(block, '[data-portal="' + name + '"]');
      if (el.tagName === "INPUT") el.value = value;
      else say(el, value);
    }
    set("code", a.code || words.no_code);
    set("shareUrl", a.shareUrl || "");
    set("clicks", String(a.clicks));
    set("orders", String(a.orders));
    set("revenue", a.revenue);
    set("rewardsPending", a.rewards.pending);
    set("rewardsReady", a.rewards.ready);
    set("rewardsPaid", a.rewards.paid);
    $(block, '[data-copy$="-code"]').disabled = !a.code;
    $(block, '[data-copy$="-link"]').disabled = !a.shareUrl;
    // A paused code is not handed out: the reason takes the controls' place, at their height.
    var paused = { ambassador: words.paused, program: words.codes_paused }[a.sharingPaused];
    if (paused) {
      keepHeight($(block, '[data-portal="share"]'));
      $(block, '[data-portal="shareControls"]').hidden = true;
      set("paused", paused);
      $(block, '[data-portal="paused"]').hidden = false;
    }
    // Settled: the code works, or the share box says why not; else it is still being set up.
    var settled = a.codeLive || paused;
    say(
      $(block, "[data-ambassadors-notice]"),
      a.programPaused ? (settled ? words.program_paused : words.code_waits_for_program) : settled ? "" : words.code_pending
    );
    var list = $(block, '[data-portal="news"]');
    list.textContent = "";
    (data.news.length ? data.news : [null]).forEach(function (item) {
      var li = document.createElement("li");
      if (item) {
        var title = document.createElement("strong");
        var time = document.createElement("time");
        var body = document.createElement("p");
        title.textContent = item.title;
        time.dateTime = item.publishedAt;
        time.textContent = " " + new Date(item.publishedAt).toLocaleDateString(document.documentElement.lang || undefined);
        body.textContent = item.body;
        li.append(title, time, body);
      } else li.textContent = words.no_news;
      list.appendChild(li);
    });
  }

  function copy(button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = $(button.closest("[data-ambassadors]"), "[data-ambassadors-status]");
    function done() {
      say(status, words.copied);
    }
    if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, select);
    else select();
    function select() {
      input.focus();
      input.select();
      if (document.execCommand && document.execCommand("copy")) done();
    }
  }

  function submit(block, form, kind) {
    var status = $(form, "[data-ambassadors-status]");
    var button = $(form, "[type=submit]");
    Array.prototype.forEach.call(form.querySelectorAll("[data-error-for]"), function (el) {
      el.textContent = "";
      var field = form.elements[el.getAttribute("data-error-for")];
      if (field) field.removeAttribute("aria-invalid");
    });
    button.disabled = true;
    say(status, words.sending);
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(
          function (body) {
            return { code: response.status, body: body };
          },
          function () {
            return { code: response.status, body: {} };
          }
        );
      })
      .then(function (answer) {
        var body = answer.body;
        if (answer.code === 200 && body.ok) {
          if (kind === "apply") {
            var notice = $(block, "[data-ambassadors-notice]");
            // After their own submit the block shrinks to the answer; the login link is moot.
            form.hidden = true;
            var login = $(block, "[data-ambassadors-login]");
            if (login) login.hidden = true;
            say(notice, words["applied_" + body.status] || body.message);
            // The button that had the focus is gone with the form: a keyboard user carries on from the answer.
            notice.tabIndex = -1;
            notice.focus();
          } else {
            form.reset();
            say(status, words[kind + "_saved"] || body.message);
          }
          return;
        }
        if (answer.code === 422 && body.fieldErrors) {
          var first;
          Object.keys(body.fieldErrors).forEach(function (name) {
            var error = body.fieldErrors[name];
            var field = form.elements[name];
            var el = $(form, '[data-error-for="' + name + '"]');
            var text = words[error.code] || error.message;
            if (field && field.maxLength > 0) text = text.replace("{max}", field.maxLength);
            say(el, text);
            if (field) {
              field.setAttribute("aria-invalid", "true");
              first = first || field;
            }
          });
          say(status, words.check_fields || body.message);
          if (first) first.focus();
          return;
        }
        var known = { 429: "rate_limited", 403: "forbidden", 503: "unavailable" }[answer.code];
        say(status, words[known] || body.message || words.failed);
      })
      .catch(function () {
        say(status, words.failed);
      })
      .then(function () {
        button.disabled = false;
      });
  }

  Array.prototype.forEach.call(blocks, function (block) {
    // Once per block, even if a theme includes this file twice.
    if (block.hasAttribute("data-ambassadors-ready")) return;
    block.setAttribute("data-ambassadors-ready", "");
    var proxy = block.getAttribute("data-proxy-url");
    Array.prototype.forEach.call(block.querySelectorAll("form[data-ambassadors-form]"), function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        submit(block, form, form.getAttribute("data-ambassadors-form"));
      });
    });
    Array.prototype.forEach.call(block.querySelectorAll("[data-copy]"), function (button) {
      button.addEventListener("click", function () {
        copy(button);
      });
    });
    var kind = block.getAttribute("data-ambassadors");
    // Nobody logged in: the signup form is all there is, and nothing needs asking.
    if (kind === "signup" && !block.hasAttribute("data-logged-in")) return;
    portal(proxy).then(
      function (data) {
        (kind === "portal" ? showPortal : showSignup)(block, data);
      },
      function () {
        if (kind === "portal") block.hidden = true;
      }
    );
  });
})();
