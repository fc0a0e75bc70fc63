// Web chat: posts what the person types, long-polls for replies. textContent only (no HTML from messages).
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
  const status = document.getElementById("status");
  const announce = document.getElementById("announce");
  let user = localStorage.getItem("helpline-user");
  // 32 random hex digits. Not crypto.randomUUID: browsers give it only to https:// (and localhost) pages,
  // and served over plain http (a LAN address, a proxy without TLS) the page stopped at its first line:
  // nothing could be sent. getRandomValues is there on every page.
  function randomId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  if (!user) { user = randomId(); localStorage.setItem("helpline-user", user); }
  // The newest reply shown, kept with the person's id (localStorage), not per tab: a tab opened again (the
  // chat's link tapped the next day, after the tab was closed) got every earlier reply again, without the
  // questions, and a screen reader read them all out. Replies that came while no tab was open (a
  // coordinator's answer) are newer than it and still shown. (sessionStorage held it once: read it too.)
  let after = Math.max(
    Number(localStorage.getItem("helpline-after") || "0"),
    Number(sessionStorage.getItem("helpline-after") || "0"),
  );
  let words = {};

  async function loadWords(lang) {
    const r = await fetch("/api/chat/ui?lang=" + encodeURIComponent(lang));
    words = await r.json();
    document.documentElement.lang = words.lang;
    document.getElementById("title").textContent = words.title;
    document.title = words.title;
    input.placeholder = words.placeholder;
    document.getElementById("send").setAttribute("aria-label", words.send);
    document.querySelectorAll(".who-wrote").forEach((span) => { span.lang = words.lang; span.textContent = whoWrote(span.dataset.who) + " "; });
    document.querySelectorAll("#langs button").forEach((b) =>
      b.setAttribute("aria-pressed", String(b.dataset.lang === words.lang)));
    if (!status.hidden) status.textContent = words.offline;
    tellOffline();
  }

  // Read by screen readers only, before each message: who wrote it ("Jūs rakstījāt:", "Atbilde:"); a
  // coordinator's words have their visible label instead.
  function whoWrote(who) { return (who === "me" ? words.you : words.reply) || ""; }

  // `label` marks a coordinator's words ("Koordinators"): the person must see that a human writes now;
  // `lang` is the reply's language (a Russian reply on a Latvian page is read with a Russian voice)
  function show(text, who, buttons, label, lang) {
    keep({ text: text, who: who, buttons: buttons || [], label: label || null, lang: lang || null });
    return draw(text, who, buttons, label, lang);
  }

  // What this tab has shown, drawn again after a reload. On a phone the page is often reloaded without the
  // person asking: they switch to the dialer to ring the prison and the browser drops the tab meanwhile; the
  // page then came back empty (`after` kept the replies from coming again), the conversation gone. Kept in
  // sessionStorage, like the messages not yet sent: this tab only, gone when it is closed. The newest
  // KEPT messages are enough to go on from; a full storage only stops the keeping, never the chat.
  const KEPT = 200;
  const shown = JSON.parse(sessionStorage.getItem("helpline-log") || "[]");
  function keep(message) {
    shown.push(message);
    if (shown.length > KEPT) shown.splice(0, shown.length - KEPT);
    try { sessionStorage.setItem("helpline-log", JSON.stringify(shown)); } catch (e) { /* full */ }
  }

  // A reply button (or a language button) pressed twice, a shaky finger's double tap, sent the choice twice
  // and the long answer came twice. The same button pressed again with nothing else sent in between does
  // nothing: its answer is already coming or on the screen. Not "until the reply has come": a reply can come
  // between two taps, and the second went. Another button, or anything typed, is sent as usual.
  let lastPressed = null;
  function once(btn) {
    if (lastPressed === btn) return false;
    lastPressed = btn;
    return true;
  }

  function draw(text, who, buttons, label, lang) {
    const div = document.createElement("div");
    div.className = "msg " + who;
    if (lang) div.lang = lang;
    if (!label) {
      const hidden = document.createElement("span");
      hidden.className = "who-wrote visually-hidden";
      hidden.dataset.who = who;
      if (words.lang) hidden.lang = words.lang;
      hidden.textContent = whoWrote(who) + " ";
      div.appendChild(hidden);
    }
    if (label) {
      const name = document.createElement("div");
      name.className = "who";
      name.textContent = label;
      div.appendChild(name);
    }
    appendText(div, text, who !== "me");
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "choices";
      for (const b of buttons) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.label;
        btn.addEventListener("click", (ev) => {
          if (once(btn)) send(b.label, b.payload);
          // pressed from the keyboard (no pointer: detail 0), the keyboard goes on in the text box, just
          // after the next reply's buttons (Shift+Tab); a tap leaves focus alone, so no phone keyboard pops up
          if (ev.detail === 0) input.focus();
        });
        row.appendChild(btn);
      }
      div.appendChild(row);
    }
    log.appendChild(div);
    div.scrollIntoView({ block: "end" });
    return div;
  }

  // Phone numbers in a reply (the crisis lines 112 and 116123, a prison's duty office) are links a finger can
  // tap to ring: on a phone the person had to copy the number by hand, shaken, from a chat bubble. Only
  // +371 numbers and the few short numbers the replies give (not any 3 digits: 119 is an article's number,
  // 1009 a postcode); the person's own words are left as they are. Links made here, never HTML from a message.
  const PHONE = /\+371[ \u00a0]?\d{8}\b|\b(?:112|110|116123|116111|116006)\b/g;
  function appendText(div, text, linked) {
    let at = 0;
    for (const m of linked ? text.matchAll(PHONE) : []) {
      div.appendChild(document.createTextNode(text.slice(at, m.index)));
      const a = document.createElement("a");
      a.href = "tel:" + m[0].replace(/[^+\d]/g, "");
      a.textContent = m[0];
      div.appendChild(a);
      at = m.index + m[0].length;
    }
    div.appendChild(document.createTextNode(text.slice(at)));
  }

  // New replies that do not fit on the screen (a long answer on a phone, or zoomed in) are shown from their
  // first line, not from the sources at their end, which left the person to scroll back up to find it.
  function reveal(first) {
    const seen = Math.min(log.clientHeight, window.innerHeight);
    const tall = log.lastElementChild.getBoundingClientRect().bottom - first.getBoundingClientRect().top;
    if (tall > seen) first.scrollIntoView({ block: "start" });
  }

  // Screen readers hear each new reply once, from a polite live region that holds only the replies since
  // the person last wrote (not their own words, nor the whole history again); the log itself stays quiet.
  // Added, never replaced, so that a second reply a moment later does not cut the first one short.
  function announceReplies(texts) {
    announce.append(...texts.map(([words, lang]) => {
      const p = document.createElement("p");
      if (lang) p.lang = lang;
      p.textContent = words;
      return p;
    }));
  }

  // What the person sent and the server has not yet taken: kept over a reload, sent in order, and sent
  // again (with the same id, so the server handles it once) until the server takes it.
  const pending = JSON.parse(sessionStorage.getItem("helpline-pending") || "[]");
  let flushing = false;

  function remember() { sessionStorage.setItem("helpline-pending", JSON.stringify(pending)); }

  function send(text, payload) {
    show(text, "me");
    announce.replaceChildren(); // a removal is not read out
    const body = { user: user, text: text, id: randomId() };
    if (payload) body.payload = payload;
    pending.push(body);
    remember();
    flush();
  }

  // Told once when the server cannot be reached (a screen reader does not see the notice appear), not on
  // every retry; and in words: sent before the page's words had come (a slow network), the screen reader
  // heard "…" and never the notice itself, so the telling waits for the words (loadWords).
  let offlineTold = false;
  function tellOffline() {
    if (offlineTold || status.hidden || !words.offline) return;
    offlineTold = true;
    announceReplies([[words.offline, words.lang]]);
  }

  function showOffline() {
    if (status.hidden) offlineTold = false; // a new outage is told again
    status.textContent = words.offline || "…";
    status.hidden = false;
    tellOffline();
  }

  async function flush() {
    if (flushing) return;
    flushing = true;
    let wait = 1000;
    while (pending.length) {
      let r = null;
      try {
        r = await fetch("/api/chat/messages", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(pending[0]),
        });
      } catch (e) {
        r = null; // offline, or the server is restarting
      }
      // taken, or refused for good (a 4xx other than "too many"): either way it is not sent again
      if (r && (r.ok || (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429))) {
        pending.shift();
        remember();
        status.hidden = true;
        wait = 1000;
        continue;
      }
      showOffline();
      await new Promise((ok) => setTimeout(ok, wait));
      wait = Math.min(wait * 2, 30000);
    }
    flushing = false;
  }

  async function poll() {
    for (;;) {
      try {
        const r = await fetch("/api/chat/replies?user=" + user + "&after=" + after);
        const data = await r.json();
        const heard = [];
        let first = null;
        for (const m of data.messages) {
          const div = show(m.text, m.label ? "bot coordinator" : "bot", m.buttons, m.label, m.lang);
          first = first || div;
          heard.push([(m.label ? m.label + ": " : "") + m.text, m.lang]);
          after = Math.max(after, m.id);
        }
        if (heard.length) announceReplies(heard);
        if (first) reveal(first);
        localStorage.setItem("helpline-after", String(after));
        status.hidden = true;
      } catch (e) {
        showOffline();
        await new Promise((ok) => setTimeout(ok, 3000));
      }
    }
  }

  // The text box grows with what is typed, up to a third of the screen (then it scrolls), and back after
  // Send: two fixed lines showed a phone user only the end of a long message as they wrote it. Set from here
  // (not CSS field-sizing, which Safari lacks); the page's CSP allows styles set by a script.
  function fit() {
    input.style.height = "auto";
    const room = Math.max(window.innerHeight / 3, input.offsetHeight);
    input.style.height = Math.min(input.scrollHeight + input.offsetHeight - input.clientHeight, room) + "px";
  }
  input.addEventListener("input", fit);

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    fit();
    lastPressed = null;
    send(text);
    input.focus(); // sent with the button: the next message is typed in the same box
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
  });
  document.querySelectorAll("#langs button").forEach((b) =>
    b.addEventListener("click", () => {
      if (!once(b)) return;
      localStorage.setItem("helpline-lang", b.dataset.lang);
      loadWords(b.dataset.lang);
      send(b.textContent, "lang:" + b.dataset.lang);
    }));
  // the language the person chose with LV/RU/EN, over a reload and the next visit: the page's own words went
  // back to the phone's language while the replies stayed in the chosen one
  const preferred = localStorage.getItem("helpline-lang") || (navigator.language || "lv").slice(0, 2);
  // the conversation so far (quietly: it is not announced again), and what was sent and not yet taken;
  // a page from before the log was kept shows only the latter
  for (const m of shown) draw(m.text, m.who, m.buttons, m.label, m.lang);
  // from the first line of the newest reply, as when it came (the menu after it pushed it off the screen)
  const mine = log.querySelectorAll(".msg.me");
  const newest = mine.length ? mine[mine.length - 1].nextElementSibling : log.firstElementChild;
  if (newest) reveal(newest);
  if (!shown.length) for (const body of pending) show(body.text, "me");
  loadWords(["lv", "ru", "en"].includes(preferred) ? preferred : "lv").then(() => { flush(); poll(); });
})();
