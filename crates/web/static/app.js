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
