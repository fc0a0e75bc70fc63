// The console's live parts: a websocket that says "something changed", then a fetch of what changed.
// Text only ever reaches the page through textContent (never innerHTML), so a person's words stay text.
// The console's own words come from the page, already in the staff member's language: <body data-i18n>
// (and data-status-labels, data-author-labels on a conversation), JSON written by the server.
"use strict";

(function () {
  const body = document.body;
  const page = body.dataset.page;
  if (page === "login") return;

  function jsonData(value) {
    try { return JSON.parse(value || "{}") || {}; } catch (e) { return {}; }
  }
  const TEXTS = jsonData(body.dataset.i18n);
  const STATUS_LABELS = jsonData(body.dataset.statusLabels);
  const AUTHOR_LABELS = jsonData(body.dataset.authorLabels);
  const KIND_LABELS = jsonData(body.dataset.kindLabels);
  // a text by its key, with %(name)s filled in; the key itself if the page did not give it
  function t(key, values) {
    let text = Object.prototype.hasOwnProperty.call(TEXTS, key) ? String(TEXTS[key]) : key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(values[name]));
    });
    return text;
  }
  function label(labels, value) {
    return Object.prototype.hasOwnProperty.call(labels, value) ? String(labels[value]) : value;
  }
  const csrfMeta = document.querySelector('meta[name="csrf"]');
  const csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  const canAct = body.dataset.canAct === "1";
  const baseTitle = document.title;
  const badge = document.getElementById("badge");
  const crisisBadge = document.getElementById("crisis-badge");
  const live = document.getElementById("live");
  let lastCount = null;
  let lastCrisis = null;
  let audio = null;

  // The server shows every time in Riga time, written as the page's language writes it (bot/console/dates.py:
  // "07.12. 17:03" in Latvian and English, "07.12 17:03" in Russian); so do live-added entries, whatever
  // the browser's own time zone.
  const dayMonthEnd = document.documentElement.lang === "ru" ? "" : ".";
  const rigaFormat = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Riga", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  function rigaTime(iso) {
    const parts = {};
    rigaFormat.formatToParts(new Date(iso)).forEach(function (part) { parts[part.type] = part.value; });
    return parts.day + "." + parts.month + dayMonthEnd + " " + parts.hour + ":" + parts.minute;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Chrome lets a page make sound only after the user has interacted with it once.
  document.addEventListener("click", function () {
    if (audio === null && window.AudioContext) {
      try { audio = new AudioContext(); } catch (e) { audio = null; }
    }
  }, { once: true });

  // One short tone for someone new waiting; three higher ones for a crisis.
  function beep(crisis) {
    try {
      if (audio === null && window.AudioContext) audio = new AudioContext();
      if (audio === null) return;
      if (audio.state === "suspended") audio.resume();
      const times = crisis ? [0, 0.25, 0.5] : [0];
      times.forEach(function (offset) {
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.frequency.value = crisis ? 1320 : 880;
        gain.gain.value = crisis ? 0.12 : 0.08;
        tone.connect(gain);
        gain.connect(audio.destination);
        tone.start(audio.currentTime + offset);
        tone.stop(audio.currentTime + offset + 0.18);
      });
    } catch (e) { /* no sound is better than a broken page */ }
  }

  function setCount(count, crisisCount) {
    const prefix = (count > 0 ? "(" + count + ") " : "") + (crisisCount > 0 ? t("crisis") + " · " : "");
    document.title = prefix + baseTitle;
    if (badge) {
      badge.textContent = String(count);
      badge.hidden = count === 0;
    }
    if (crisisBadge) {
      crisisBadge.textContent = crisisCount > 1 ? t("crisisCount", { n: crisisCount }) : t("crisis");
      crisisBadge.hidden = crisisCount === 0;
    }
    if (lastCrisis !== null && crisisCount > lastCrisis) beep(true);
    else if (lastCount !== null && count > lastCount) beep(false);
    lastCount = count;
    lastCrisis = crisisCount;
  }

  // Every fetch here runs by itself (on load, on a websocket event, on a timer), not because someone
  // clicked: the header tells the server not to count it as activity that keeps the session alive.
  async function getJSON(url) {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Console-Background": "1" },
    });
    if (response.status === 401) {
      window.location.assign("/console/login");
      return null;
    }
    return response.ok ? response.json() : null;
  }

  // --- the queue ---

  function claimForm(id) {
    const form = el("form", "inline");
    form.method = "post";
    form.action = "/console/conversations/" + id + "/claim";
    const token = el("input");
    token.type = "hidden";
    token.name = "csrf";
    token.value = csrf;
    const button = el("button", "primary claim", t("takeOver"));
    form.append(token, button);
    return form;
  }

  function queueRow(item, claim) {
    const tr = el("tr", item.crisis ? "crisis" : "");
    tr.dataset.id = String(item.id);
    const tags = el("td");
    if (item.crisis) tags.append(el("span", "tag crisis", t("crisis")));
    if (item.out_of_hours) tags.append(el("span", "tag night", t("outOfHours")));
    const link = el("a", "", "#" + item.id);
    link.href = "/console/conversations/" + item.id;
    const idCell = el("td");
    idCell.append(link);
    const actions = el("td", "actions");
    const open = el("a", "button", t("open"));
    open.href = link.href;
    actions.append(open);
    if (claim && canAct) actions.append(claimForm(item.id));
    const minutes = el("td", "minutes", t("minutes", { n: item.minutes }));
    minutes.dataset.minutes = String(item.minutes);
    tr.append(tags, idCell, el("td", "", item.channel), el("td", "", item.language),
      el("td", "", item.coordinator || item.reason), minutes, actions);
    return tr;
  }

  // The minutes count on by themselves between updates: what the server said, plus the time since.
  let minutesAt = Date.now();
  function tickMinutes() {
    const more = Math.max(Math.floor((Date.now() - minutesAt) / 60000), 0);
    document.querySelectorAll("td[data-minutes]").forEach(function (cell) {
      const text = t("minutes", { n: Number(cell.dataset.minutes) + more });
      if (cell.textContent !== text) cell.textContent = text;
    });
  }

  // The rows are built again on every update; a keyboard user's place (the link or button they were on) is
  // found again in the new rows, instead of focus dropping to the top of the page with each update.
  const CONTROLS = ["button.claim", "a.button", "a:not(.button)"];
  function focusedPlace(tbody) {
    const active = document.activeElement;
    const row = active && tbody.contains(active) ? active.closest("tr[data-id]") : null;
    if (!row) return null;
    return { id: row.dataset.id, control: CONTROLS.find(function (c) { return active.matches(c); }) || "a" };
  }
  function refocus(tbody, place) {
    if (!place) return;
    const again = tbody.querySelector('tr[data-id="' + place.id + '"] ' + place.control) ||
      tbody.querySelector(place.control);  // the row has gone (taken, closed): the same control nearby
    if (again) again.focus();
  }

  function fillTable(key, items) {
    const table = document.getElementById(key);
    if (!table) return;
    const tbody = table.tBodies[0];
    const place = focusedPlace(tbody);
    const claim = table.dataset.claim === "1";
    const rows = items.map(function (item) { return queueRow(item, claim); });
    if (rows.length === 0) {
      const empty = el("tr", "empty");
      const cell = el("td", "", table.dataset.empty);
      cell.colSpan = 7;
      empty.append(cell);
      rows.push(empty);
    }
    tbody.replaceChildren.apply(tbody, rows);
    refocus(tbody, place);
  }

  async function refreshQueue() {
    const data = await getJSON("/console/queue.json");
    if (!data) return;
    const crisisCount = (data.waiting || []).filter(function (item) { return item.crisis; }).length;
    setCount(data.count, crisisCount);
    if (page === "queue") {
      ["waiting", "mine", "others", "recent"].forEach(function (key) { fillTable(key, data[key]); });
      minutesAt = Date.now();
    }
  }

  // --- one conversation ---

  const conversationId = body.dataset.conversation;
  const transcript = document.getElementById("transcript");
  const newMessages = document.getElementById("new-messages");
  let lastEntry = transcript ? Number(transcript.dataset.last || "0") : 0;
  const notesList = document.getElementById("notes");
  let lastNote = notesList ? Number(notesList.dataset.last || "0") : 0;
  let pollTimer = null;
  let replyLocked = false;

  function entryNode(entry) {
    const crisis = saidCrisis(entry);
    const li = el("li", "entry " + entry.direction + " " + entry.author + (crisis ? " crisis" : ""));
    li.dataset.entry = String(entry.id);
    const meta = el("div", "meta");
    meta.append(el("span", "author", label(AUTHOR_LABELS, entry.author)));
    meta.append(el("time", "", rigaTime(entry.at)));
    if (entry.direction === "in" && entry.intent) {
      // written by the server in the reader's language ("0,95" in Latvian)
      const confidence = entry.confidence_text ? " · " + entry.confidence_text : "";
      meta.append(el("span", "intent", entry.intent + confidence + (entry.language ? " · " + entry.language : "")));
    }
    if (entry.kind) {
      // a photo, a location, an edit: that it came, never what it was (not downloaded, not kept)
      meta.append(el("span", "tag attachment", label(KIND_LABELS, entry.kind)));
    }
    if (entry.direction === "out") {
      const status = el("span", "status " + entry.status.replace(" ", "-"), label(STATUS_LABELS, entry.status));
      status.dataset.status = String(entry.id);
      meta.append(status);
    }
    const text = el("div", "text", entry.text);
    text.lang = entry.language || transcript.dataset.lang || "";  // the person's language, not the console's
    li.append(meta, text);
    return li;
  }

  // the person's own words read as a crisis
  function saidCrisis(entry) {
    return entry.direction === "in" && entry.intent === "crisis";
  }

  function nearBottom() {
    return transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 60;
  }

  function toBottom() {
    transcript.scrollTop = transcript.scrollHeight;
    if (newMessages) newMessages.hidden = true;
  }

  // Crisis words said while the page is open: the tag in the header, an alert, and the crisis tone.
  function raiseCrisis() {
    const bar = document.querySelector(".ownerbar");
    if (bar && !document.getElementById("crisis-tag")) {
      bar.classList.add("crisis");
      const tag = el("span", "tag crisis", t("crisis"));
      tag.id = "crisis-tag";
      const heading = bar.querySelector("h1");
      if (heading) heading.after(tag); else bar.prepend(tag);
      const alert = document.getElementById("crisis-alert");
      if (alert) alert.hidden = false;
      beep(true);
    }
  }

  function ownerText(data) {
    if (data.owner === "human") {
      return data.mine ? t("withYou") : t("withName", { name: data.coordinator || t("aCoordinator") });
    }
    if (data.owner === "waiting" || data.owner === "closed" || data.owner === "bot") return t(data.owner);
    return data.owner;
  }

  // The conversation is no longer this coordinator's: nothing more can be sent from this page. What was
  // typed stays in the box (read-only), so that it can be copied.
  function lockReply(data) {
    if (replyLocked) return;
    const form = document.querySelector("form.reply");
    const finish = document.querySelector(".finish");
    if (!form && !finish) return;
    replyLocked = true;
    let why;
    if (data.owner === "closed") why = t("lockClosed");
    else if (data.owner === "human") why = data.coordinator ? t("lockTakenBy", { name: data.coordinator }) : t("lockTaken");
    else if (data.owner === "bot") why = t("lockHandedBack");
    else why = t("lockNotYours");
    if (form) {
      form.classList.add("locked");
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      const box = form.querySelector("textarea");
      if (box) box.readOnly = true;
      const notice = document.getElementById("reply-locked");
      if (notice) {
        notice.textContent = why + " " + (box && box.value.trim() ? t("lockKept") : t("lockNoReply"));
        notice.hidden = false;
      }
    }
    if (finish) finish.querySelectorAll("button, select").forEach(function (control) { control.disabled = true; });
  }

  // a colleague's internal note, as the page shows it: who (or "former staff") · Riga time, then the text
  function addNotes(notes) {
    if (!notesList) return;
    notes.forEach(function (note) {
      if (note.id <= lastNote) return;
      const empty = document.getElementById("no-notes");
      if (empty) empty.remove();
      const li = el("li");
      li.dataset.note = String(note.id);
      li.append(el("div", "meta", (note.author || t("formerStaff")) + " · " + rigaTime(note.at)), el("div", "text", note.text));
      notesList.append(li);
      lastNote = note.id;
    });
  }

  async function refreshConversation() {
    if (!transcript) return;
    const data = await getJSON(
      "/console/conversations/" + conversationId + "/messages.json?after=" + lastEntry + "&notes_after=" + lastNote);
    if (!data) return;
    addNotes(data.notes || []);
    const follow = nearBottom();
    let added = 0;
    let crisisWords = false;
    data.entries.forEach(function (entry) {
      if (entry.id > lastEntry) {
        transcript.append(entryNode(entry));
        lastEntry = entry.id;
        added += 1;
        if (saidCrisis(entry)) crisisWords = true;
      }
    });
    if (added > 0) {
      if (follow) toBottom();
      else if (newMessages) newMessages.hidden = false;
    }
    if (data.crisis || crisisWords) raiseCrisis();
    let pending = false;
    Object.keys(data.statuses).forEach(function (id) {
      const status = data.statuses[id];
      const node = transcript.querySelector('[data-status="' + Number(id) + '"]');
      const shown = label(STATUS_LABELS, status);
      if (node && node.textContent !== shown) {
        node.textContent = shown;
        node.className = "status " + status.replace(" ", "-");
      }
      if (status === "pending") pending = true;
    });
    const mine = data.mine ? "1" : "0";
    if (data.owner !== body.dataset.owner || mine !== body.dataset.mine) {
      const changed = document.getElementById("changed");
      if (changed) changed.hidden = false;
      const line = document.getElementById("owner-line");
      if (line) line.textContent = ownerText(data);
    }
    if (body.dataset.mine === "1" && !data.mine) lockReply(data);
    if (pending && pollTimer === null) {
      pollTimer = window.setTimeout(function () { pollTimer = null; refreshConversation(); }, 2000);
    }
  }

  document.querySelectorAll("button.canned-reply").forEach(function (button) {
    button.addEventListener("click", function () {
      const box = document.getElementById("reply");
      if (!box || box.readOnly) return;
      box.value = button.dataset.text || "";
      box.dispatchEvent(new Event("input"));  // the SMS counter (sms.js) counts it too
      box.focus();
    });
  });
  if (transcript) {
    transcript.scrollTop = transcript.scrollHeight;
    transcript.addEventListener("scroll", function () {
      if (newMessages && !newMessages.hidden && nearBottom()) newMessages.hidden = true;
    });
  }
  if (newMessages) newMessages.addEventListener("click", toBottom);
  const crisisShow = document.getElementById("crisis-show");
  if (crisisShow) crisisShow.addEventListener("click", toBottom);

  // After a reply, a note or a take-over the page comes back from the server with the focus at its top; the
  // keyboard is put back where the next thing is written (the reply box, the notes box) on that page.
  const FOCUS_AFTER = { reply: "#reply", claim: "#reply", note: ".notes textarea" };
  function rememberFocus(form) {
    const match = /^(\/console\/conversations\/\d+)\/(reply|claim|note)$/.exec(new URL(form.action).pathname);
    if (!match) return;
    try {
      sessionStorage.setItem("console-focus", JSON.stringify({ path: match[1], target: FOCUS_AFTER[match[2]] }));
    } catch (e) { /* storage off: the focus stays at the top */ }
  }
  (function restoreFocus() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem("console-focus") || "null");
      sessionStorage.removeItem("console-focus");
    } catch (e) { return; }
    if (!saved || saved.path !== window.location.pathname) return;
    const target = document.querySelector(saved.target);
    if (target && !target.readOnly && !target.disabled) target.focus();
  })();

  // A form is sent once: a second click (or Enter) while the first is on its way does nothing.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method !== "post") return;
    if (form.dataset.sending === "1" || form.classList.contains("locked")) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    rememberFocus(form);
    // after this task: the form's data (with a named button's value) is taken before the buttons go grey
    window.setTimeout(function () {
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;  // back to a page kept in memory: its forms may be used again
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      if (!form.classList.contains("locked")) {
        form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
      }
    });
  });

  // --- live updates ---

  let refreshTimer = null;
  function scheduleRefresh() {
    if (refreshTimer !== null) return;
    refreshTimer = window.setTimeout(function () {
      refreshTimer = null;
      refreshQueue();
      if (conversationId) refreshConversation();
    }, 150);
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + "/console/ws");
    socket.addEventListener("open", function () {
      if (live) { live.className = "live on"; live.textContent = t("live"); }
      scheduleRefresh();  // anything missed while disconnected
    });
    socket.addEventListener("message", scheduleRefresh);
    socket.addEventListener("close", function (event) {
      if (live) { live.className = "live off"; live.textContent = t("offline"); }
      if (event.code === 4401) {
        window.location.assign("/console/login");
        return;
      }
      window.setTimeout(connect, 3000);
    });
  }

  refreshQueue();
  if (conversationId) refreshConversation();
  if (page === "queue") window.setInterval(tickMinutes, 10000);
  connect();
})();
