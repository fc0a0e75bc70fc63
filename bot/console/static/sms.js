// The reply box's segment counter on an SMS conversation (bot/console/sms_counter.py): "42 rakstzīmes, 1 īsziņa"
// as the coordinator types. It counts what the server will send, as the server counts it: the text stripped,
// the coordinator label when bot/console/label.py would add it, typographic look-alikes made plain when that
// keeps GSM-7 (bot/channels/sms_render.py), and bot/channels/sms_segments.py's segments: GSM-7 160 (153 a
// part once split, an extension character costing two), UCS-2 70 (67, a character beyond U+FFFF costing
// two), a character never split across two parts. A test holds this file to the Python on the same texts.
"use strict";

const HelplineSms = (function () {
  // 3GPP TS 23.038's default alphabet and its extension table (sms_segments.GSM7_BASIC, GSM7_EXTENSION)
  const GSM7_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡" +
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  const GSM7_EXTENSION = "\f^{}\\[~]|€";
  const SINGLE = { "GSM-7": 160, "UCS-2": 70 };
  const PART = { "GSM-7": 153, "UCS-2": 67 };
  // sms_segments._LOOKALIKES
  const LOOKALIKES = {
    "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2026": "...", "\u00a0": " ", "\u2022": "-",
  };
  // what Python's str.strip() removes (str.isspace), which is not quite JavaScript's trim()
  const SPACE = "\t\n\u000b\f\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004" +
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

  function chars(text) { return Array.from(text); }  // code points, as Python's str

  function strip(text) {
    const all = chars(text);
    let start = 0;
    let end = all.length;
    while (start < end && SPACE.includes(all[start])) start += 1;
    while (end > start && SPACE.includes(all[end - 1])) end -= 1;
    return all.slice(start, end).join("");
  }

  function isGsm7(text) {
    return chars(text).every(function (ch) { return GSM7_BASIC.includes(ch) || GSM7_EXTENSION.includes(ch); });
  }

  function gsmFriendly(text) {
    if (isGsm7(text)) return text;
    const plain = chars(text).map(function (ch) {
      return Object.prototype.hasOwnProperty.call(LOOKALIKES, ch) ? LOOKALIKES[ch] : ch;
    }).join("");
    return isGsm7(plain) ? plain : text;
  }

  // sms_segments.count_segments
  function count(text) {
    const encoding = isGsm7(text) ? "GSM-7" : "UCS-2";
    const costs = chars(text).map(function (ch) {
      if (encoding === "GSM-7") return GSM7_EXTENSION.includes(ch) ? 2 : 1;
      return ch.codePointAt(0) > 0xffff ? 2 : 1;
    });
    const units = costs.reduce(function (a, b) { return a + b; }, 0);
    if (units <= SINGLE[encoding]) return { encoding: encoding, units: units, segments: 1, characters: costs.length };
    let segments = 1;
    let used = 0;
    costs.forEach(function (cost) {
      if (used + cost > PART[encoding]) { segments += 1; used = 0; }
      used += cost;
    });
    return { encoding: encoding, units: units, segments: segments, characters: costs.length };
  }

  function labelled(text, label) { return label ? label + ":\n" + text : text; }  // bot.messages.labelled

  // sms_render.shows_label
  function showsLabel(label, text, owed, maxSegments) {
    const alone = count(gsmFriendly(strip(text))).segments;
    const withLabel = count(gsmFriendly(labelled(strip(text), label))).segments;
    return withLabel <= alone || (owed && withLabel <= maxSegments);
  }

  // the SMS the server sends for this reply (console/actions.reply, label.coordinator_label, SmsRenderer)
  function body(text, label, owed, maxSegments) {
    const shown = label && showsLabel(label, text, owed, maxSegments) ? label : null;
    return gsmFriendly(labelled(strip(text), shown));
  }

  // the catalogs' Plural-Forms (bot/console/locale/*/LC_MESSAGES/console.po): which msgstr[i] a number takes
  const PLURALS = {
    lv: function (n) { return n % 10 === 0 || (n % 100 >= 11 && n % 100 <= 19) ? 0 : (n % 10 === 1 && n % 100 !== 11 ? 1 : 2); },
    ru: function (n) { return n % 10 === 1 && n % 100 !== 11 ? 0 : (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2); },
    en: function (n) { return n !== 1 ? 1 : 0; },
  };

  function plural(forms, language, n) {
    const rule = PLURALS[language] || PLURALS.en;
    return String(forms[rule(n)]).split("%(n)s").join(String(n));
  }

  // "42 rakstzīmes, 1 īsziņa": the characters typed, the segments of what will be sent (none while it is empty)
  function describe(text, words, label, owed) {
    const typed = strip(text);
    const segments = typed ? count(body(text, label, owed, words.max)).segments : 0;
    const shown = plural(words.characters, words.plural, chars(typed).length) + ", " +
      plural(words.messages, words.plural, segments);
    return { text: shown, segments: segments };
  }

  function start() {
    const counter = document.getElementById("sms-count");
    const box = document.getElementById("reply");
    if (!counter || !box) return;
    let words;
    try { words = JSON.parse(counter.dataset.words || "{}"); } catch (e) { return; }
    const label = counter.dataset.label || null;
    const owed = counter.dataset.owed === "1";
    function update() {
      const said = describe(box.value, words, label, owed);
      counter.textContent = said.text;
      counter.classList.toggle("over", said.segments > words.max);
    }
    box.addEventListener("input", update);
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  return { count: count, gsmFriendly: gsmFriendly, strip: strip, body: body, plural: plural, describe: describe,
    GSM7_BASIC: GSM7_BASIC, GSM7_EXTENSION: GSM7_EXTENSION, LOOKALIKES: LOOKALIKES };
})();
