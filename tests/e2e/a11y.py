"""Accessibility checks run inside the page (Chromium's computed styles), shared by the browser tests.

Contrast is WCAG 2.x's: the text colour against the first opaque background behind it, 4.5:1 for body
text and 3:1 for large text (24 px, or 18.66 px bold). Disabled controls are exempt, as WCAG says.
"""

from __future__ import annotations

from typing import Any

# Every visible piece of text (and each text box's placeholder) whose contrast is below AA: a list of
# {text, fg, bg, ratio, need}.
LOW_CONTRAST_JS = """
() => {
  const rgba = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const background = (node) => {
    const layers = [];
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const hex = (c) => "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const failures = [];
  const check = (el, text, style) => {
    const bg = background(el);
    const fg = over(rgba(style.color), bg);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    const r = ratio(fg, bg);
    if (r < need) {
      const rounded = Math.round(r * 100) / 100;
      failures.push({ text: text.slice(0, 40), fg: hex(fg), bg: hex(bg), ratio: rounded, need });
    }
  };
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("[disabled], [aria-hidden=true]") || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || style.display === "none") continue;
    const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
    if (own) check(el, own, style);
    if ((el.tagName === "TEXTAREA" || el.tagName === "INPUT") && el.placeholder && !el.value) {
      check(el, el.placeholder, getComputedStyle(el, "::placeholder"));
    }
  }
  return failures;
}
"""

# How far the page scrolls sideways (0 when nothing is cut off or needs a horizontal scroll).
SIDEWAYS_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

# Buttons, links and form fields that are smaller than WCAG 2.2's 24 × 24 px target (AA 2.5.8).
SMALL_TARGETS_JS = """
(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.getClientRects().length)
  .map((el) => ({
    text: (el.textContent || el.name || "").trim().slice(0, 30),
    box: el.getBoundingClientRect(),
  }))
  .filter((t) => t.box.width < 24 || t.box.height < 24)
  .map((t) => t.text + " " + Math.round(t.box.width) + "x" + Math.round(t.box.height))
"""


async def low_contrast(page: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = await page.evaluate(LOW_CONTRAST_JS)
    return result


def unnamed(snapshot: str) -> list[str]:
    """The controls in an ARIA snapshot (Playwright's aria_snapshot) that have no accessible name."""
    roles = ("button", "textbox", "link", "combobox", "checkbox", "radio", "searchbox", "spinbutton")
    lines = [line.strip().removeprefix("- ").rstrip(":") for line in snapshot.splitlines()]
    return [line for line in lines if line in roles or any(line.startswith(f"{r} [") for r in roles)]
