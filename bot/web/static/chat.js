// Web chat: posts what the person types, long-polls for replies. textContent only (no HTML from messages).
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
  const status = document.getElementById("status");
  let user = localStorage.getItem("helpline-user");
  if (!user) { user = crypto.randomUUID().replace(/-/g, ""); localStorage.setItem("helpline-user", user); }
  let after = Number(sessionStorage.getItem("helpline-after") || "0");
  let words = {};

  async function loadWords(lang) {
    const r = await fetch("/api/chat/ui?lang=" + encodeURIComponent(lang));
    words = await r.json();
    document.documentElement.lang = words.lang;
    document.getElementById("title").textContent = words.title;
    document.title = words.title;
    input.placeholder = words.placeholder;
    document.getElementById("send").setAttribute("aria-label", words.send);
  }

  function show(text, who, buttons) {
    const div = document.createElement("div");
    div.className = "msg " + who;
    div.textContent = text;
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "choices";
      for (const b of buttons) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.label;
        btn.addEventListener("click", () => send(b.label, b.payload));
        row.appendChild(btn);
      }
      div.appendChild(row);
    }
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  async function send(text, payload) {
    show(text, "me");
    const body = { user: user, text: text, id: crypto.randomUUID() };
    if (payload) body.payload = payload;
    try {
      const r = await fetch("/api/chat/messages", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(String(r.status));
      status.hidden = true;
    } catch (e) {
      status.textContent = words.offline || "…"; status.hidden = false;
    }
  }

  async function poll() {
    for (;;) {
      try {
        const r = await fetch("/api/chat/replies?user=" + user + "&after=" + after);
        const data = await r.json();
        for (const m of data.messages) {
          show(m.text, "bot", m.buttons);
          after = Math.max(after, m.id);
        }
        sessionStorage.setItem("helpline-after", String(after));
        status.hidden = true;
      } catch (e) {
        status.textContent = words.offline || "…"; status.hidden = false;
        await new Promise((ok) => setTimeout(ok, 3000));
      }
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
  });
  document.querySelectorAll("#langs button").forEach((b) =>
    b.addEventListener("click", () => { loadWords(b.dataset.lang); send(b.textContent, "lang:" + b.dataset.lang); }));
  const preferred = (navigator.language || "lv").slice(0, 2);
  loadWords(["lv", "ru", "en"].includes(preferred) ? preferred : "lv").then(poll);
})();
