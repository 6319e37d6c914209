// Small enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Picking a registered person clears the new-person name, and typing a name clears the pick,
  // so a form never says two things at once.
  document.querySelectorAll("fieldset.person").forEach((set) => {
    const pick = set.querySelector("select[name=person_id]");
    const name = set.querySelector("input[name=person_name]");
    if (!pick || !name) return;
    pick.addEventListener("change", () => { if (pick.value) name.value = ""; });
    name.addEventListener("input", () => { if (name.value) pick.value = ""; });
  });
});

// Print buttons on the pages made for the wall of a station.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.matches("[data-print]")) window.print();
});

// Naming a substance of GB 18218 Table 1 fills in its CAS number, critical quantity and β,
// unless they were typed already.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.getAttribute("list") !== "named-substances") return;
  const option = Array.from(document.querySelectorAll("#named-substances option"))
    .find((o) => o.value === input.value.trim());
  const row = input.closest("[data-substance]");
  if (!option || !row) return;
  const fill = (suffix, value) => {
    const field = row.querySelector(`input[name$="_${suffix}"]`);
    if (field && !field.value) field.value = value;
  };
  fill("cas", option.dataset.cas);
  fill("critical_q", option.dataset.q);
  fill("beta", option.dataset.beta);
});
