// Progressive enhancement only: every page works without this script.
document.addEventListener("DOMContentLoaded", () => {
  // Choosing a league reloads the form with its teams.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form && select.form.submit());
  });
  // "Select all on this page" for the history table.
  const all = document.querySelector("[data-select-all]");
  if (all) {
    all.addEventListener("change", () => {
      document.querySelectorAll("#history-form input[name=ids]").forEach((box) => { box.checked = all.checked; });
    });
  }
});
