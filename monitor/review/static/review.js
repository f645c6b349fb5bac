// Keyboard shortcuts for the common actions, and the end of a reveal. No inline scripts (CSP).
"use strict";
document.addEventListener("keydown", function (event) {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT")) return;
  const control = document.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
  if (control) {
    event.preventDefault();
    control.click();
  }
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
