// The console's live parts: a websocket that says "something changed", then a fetch of what changed.
// Text only ever reaches the page through textContent (never innerHTML), so a person's words stay text.
"use strict";

(function () {
  const body = document.body;
  const page = body.dataset.page;
  if (page === "login") return;
  const csrfMeta = document.querySelector('meta[name="csrf"]');
  const csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  const canAct = body.dataset.canAct === "1";
  const baseTitle = document.title;
  const badge = document.getElementById("badge");
  const live = document.getElementById("live");
  let lastCount = null;
  let audio = null;

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

  function beep() {
    try {
      if (audio === null && window.AudioContext) audio = new AudioContext();
      if (audio === null) return;
      if (audio.state === "suspended") audio.resume();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.08;
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.2);
    } catch (e) { /* no sound is better than a broken page */ }
  }

  function setCount(count) {
    document.title = count > 0 ? "(" + count + ") " + baseTitle : baseTitle;
    if (badge) {
      badge.textContent = String(count);
      badge.hidden = count === 0;
    }
    if (lastCount !== null && count > lastCount) beep();
    lastCount = count;
  }

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
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
    const button = el("button", "primary claim", "Take over");
    form.append(token, button);
    return form;
  }

  function queueRow(item, claim) {
    const tr = el("tr", item.crisis ? "crisis" : "");
    tr.dataset.id = String(item.id);
    const tags = el("td");
    if (item.crisis) tags.append(el("span", "tag crisis", "CRISIS"));
    if (item.out_of_hours) tags.append(el("span", "tag night", "out of hours"));
    const link = el("a", "", "#" + item.id);
    link.href = "/console/conversations/" + item.id;
    const idCell = el("td");
    idCell.append(link);
    const actions = el("td", "actions");
    const open = el("a", "button", "Open");
    open.href = link.href;
    actions.append(open);
    if (claim && canAct) actions.append(claimForm(item.id));
    tr.append(tags, idCell, el("td", "", item.channel), el("td", "", item.language),
      el("td", "", item.coordinator || item.reason), el("td", "", item.minutes + " min"), actions);
    return tr;
  }

  function fillTable(key, items) {
    const table = document.getElementById(key);
    if (!table) return;
    const tbody = table.tBodies[0];
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
  }

  async function refreshQueue() {
    const data = await getJSON("/console/queue.json");
    if (!data) return;
    setCount(data.count);
    if (page === "queue") {
      ["waiting", "mine", "others", "recent"].forEach(function (key) { fillTable(key, data[key]); });
    }
  }

  // --- one conversation ---

  const conversationId = body.dataset.conversation;
  const transcript = document.getElementById("transcript");
  let lastEntry = transcript ? Number(transcript.dataset.last || "0") : 0;
  let pollTimer = null;

  function entryNode(entry) {
    const li = el("li", "entry " + entry.direction + " " + entry.author);
    li.dataset.entry = String(entry.id);
    const meta = el("div", "meta");
    meta.append(el("span", "author", entry.author));
    meta.append(el("time", "", new Date(entry.at).toLocaleString("lv-LV", { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit" })));
    if (entry.direction === "in" && entry.intent) {
      const confidence = entry.confidence === null ? "" : " · " + Number(entry.confidence).toFixed(2);
      meta.append(el("span", "intent", entry.intent + confidence + (entry.language ? " · " + entry.language : "")));
    }
    if (entry.direction === "out") {
      const status = el("span", "status " + entry.status.replace(" ", "-"), entry.status);
      status.dataset.status = String(entry.id);
      meta.append(status);
    }
    li.append(meta, el("div", "text", entry.text));
    return li;
  }

  async function refreshConversation() {
    if (!transcript) return;
    const data = await getJSON("/console/conversations/" + conversationId + "/messages.json?after=" + lastEntry);
    if (!data) return;
    data.entries.forEach(function (entry) {
      if (entry.id > lastEntry) {
        transcript.append(entryNode(entry));
        lastEntry = entry.id;
      }
    });
    let pending = false;
    Object.keys(data.statuses).forEach(function (id) {
      const status = data.statuses[id];
      const node = transcript.querySelector('[data-status="' + Number(id) + '"]');
      if (node && node.textContent !== status) {
        node.textContent = status;
        node.className = "status " + status.replace(" ", "-");
      }
      if (status === "pending") pending = true;
    });
    const mine = data.mine ? "1" : "0";
    if (data.owner !== body.dataset.owner || mine !== body.dataset.mine) {
      const changed = document.getElementById("changed");
      if (changed) changed.hidden = false;
      const line = document.getElementById("owner-line");
      if (line) line.textContent = data.owner === "human" ? "With " + (data.mine ? "you" : data.coordinator) : data.owner;
    }
    if (pending && pollTimer === null) {
      pollTimer = window.setTimeout(function () { pollTimer = null; refreshConversation(); }, 2000);
    }
  }

  document.querySelectorAll("button.canned-reply").forEach(function (button) {
    button.addEventListener("click", function () {
      const box = document.getElementById("reply");
      if (!box) return;
      box.value = button.dataset.text || "";
      box.focus();
    });
  });
  if (transcript) transcript.scrollTop = transcript.scrollHeight;

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
      if (live) live.className = "live on";
      scheduleRefresh();  // anything missed while disconnected
    });
    socket.addEventListener("message", scheduleRefresh);
    socket.addEventListener("close", function (event) {
      if (live) live.className = "live off";
      if (event.code === 4401) {
        window.location.assign("/console/login");
        return;
      }
      window.setTimeout(connect, 3000);
    });
  }

  refreshQueue();
  if (conversationId) refreshConversation();
  connect();
})();
