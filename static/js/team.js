// Copy buttons and confirmations for the Team and API tokens pages.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const input = document.querySelector(button.dataset.copy);
  const status = button.closest(".card")?.querySelector(".copy-status");
  try {
    await navigator.clipboard.writeText(input.value);
    if (status) status.textContent = button.dataset.copied || "Link copied.";
  } catch {
    input.select();
    if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected text.";
  }
});

document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
