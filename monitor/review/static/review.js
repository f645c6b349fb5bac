// Keyboard shortcuts for the common actions, the queue's keyboard flow, and the end of a reveal.
// No inline scripts (CSP).
"use strict";

// The queue: j/k (or the arrow keys) move the current card, x ticks it, o or Enter opens it. A decision
// key with nothing ticked decides the current card, so "j j c" confirms the third picture.
function queueRows() {
  return Array.from(document.querySelectorAll("table.cards tbody tr[data-card]"));
}

function currentRow() {
  return document.querySelector("table.cards tbody tr.current");
}

function moveCurrent(step) {
  const rows = queueRows();
  if (!rows.length) return;
  const now = rows.indexOf(currentRow());
  const next = Math.min(rows.length - 1, Math.max(0, now < 0 ? 0 : now + step));
  rows.forEach(function (row) { row.classList.remove("current"); row.removeAttribute("aria-current"); });
  rows[next].classList.add("current");
  rows[next].setAttribute("aria-current", "true");
  rows[next].scrollIntoView({ block: "nearest" });
}

function queueKey(key, target) {
  if (!queueRows().length) return false;
  const onControl = target && (target.tagName === "BUTTON" || target.tagName === "A");
  if ((key === " " || key === "enter") && onControl) return false;  // a focused button or link does its own thing
  const row = currentRow();
  if (key === "j" || key === "arrowdown") { moveCurrent(1); return true; }
  if (key === "k" || key === "arrowup") { moveCurrent(-1); return true; }
  if ((key === "x" || key === " ") && row) {
    const box = row.querySelector("input[type=checkbox]");
    box.checked = !box.checked;
    return true;
  }
  if ((key === "o" || key === "enter") && row) { row.querySelector("a.open").click(); return true; }
  const decides = document.querySelector('#bulk [data-key="' + key + '"]');
  if (decides && row && !document.querySelector("#bulk input[name=card]:checked")) {
    row.querySelector("input[type=checkbox]").checked = true;
  }
  return false;
}

document.addEventListener("keydown", function (event) {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT")) return;
  const key = event.key.toLowerCase();
  if (queueKey(key, target)) {
    event.preventDefault();
    return;
  }
  const control = document.querySelector('[data-key="' + key + '"]');
  if (control) {
    event.preventDefault();
    control.click();
  }
});

// A page shown again (reload, or Back) starts with nothing ticked: a browser restoring ticks by position
// could otherwise tick cards that moved, or were decided, and "c" would decide them.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("#bulk input[name=card]").forEach(function (box) { box.checked = false; });
});

document.addEventListener("DOMContentLoaded", function () {
  const revealed = document.getElementById("revealed");
  if (!revealed) return;
  const left = new Date(revealed.dataset.expires).getTime() - Date.now();
  window.setTimeout(function () {
    revealed.remove();  // the server refuses the original after this time as well
    window.location.reload();
  }, Math.max(0, left));
});
