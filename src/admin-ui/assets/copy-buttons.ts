/** `<button data-copy="text">`: copies its text to the clipboard and says so (aria-live). */
export const COPY_BUTTONS = `
document.addEventListener('click', async (e) => {
  const button = e.target.closest('button[data-copy]');
  if (!button) return;
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Press Ctrl+C';
    const field = document.getElementById(button.getAttribute('aria-controls'));
    if (field) field.select();
  }
  setTimeout(() => { button.textContent = 'Copy'; }, 2000);
});
`;
