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

// Removing a member: ticking one of their keys means "Choose which to delete".
document.addEventListener("change", (event) => {
  if (!event.target.matches("[data-choose-key]")) return;
  const choose = event.target.form?.querySelector('input[name="keys"][value="choose"]');
  if (choose && event.target.checked) choose.checked = true;
});
