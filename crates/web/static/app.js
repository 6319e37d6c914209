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

// Print buttons on the pages made for the wall of a station, and the print views' way back.
document.addEventListener("click", (event) => {
  if (!(event.target instanceof Element)) return;
  if (event.target.matches("[data-print]")) window.print();
  if (event.target.matches("[data-back]")) history.back();
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

// Report forms: the browser adds where the reporter stands, if it may.
document.addEventListener("DOMContentLoaded", () => {
  const lon = document.querySelector("[data-geo=longitude]");
  const lat = document.querySelector("[data-geo=latitude]");
  const status = document.querySelector("[data-geo-status]");
  if (!lon || !lat || !("geolocation" in navigator)) { if (status) status.hidden = true; return; }
  navigator.geolocation.getCurrentPosition(
    (p) => {
      lon.value = p.coords.longitude.toFixed(6);
      lat.value = p.coords.latitude.toFixed(6);
      if (status) status.textContent = `${lat.value}, ${lon.value}`;
    },
    // Say so, so the reporter knows the report goes without a position (and may still go).
    () => { if (status) status.textContent = status.dataset.geoFailed || ""; },
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 },
  );
});

// Photos are shrunk in the browser before they travel (weak village connections): at most
// 1600 pixels on the long side, JPEG. The server re-encodes them anyway.
document.addEventListener("change", async (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.matches("input[type=file][data-shrink]")) return;
  const file = input.files && input.files[0];
  if (!file || !file.type.startsWith("image/") || !("createImageBitmap" in window) || !window.DataTransfer) return;
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size < 1_500_000) return;
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((done) => canvas.toBlob(done, "image/jpeg", 0.82));
    if (!blob || blob.size >= file.size) return;
    const smaller = new DataTransfer();
    smaller.items.add(new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }));
    input.files = smaller.files;
  } catch (_) { /* keep the original */ }
});

// Filter boxes stay open on a wide screen; on a phone they fold away until asked for.
const openWideFilters = () => {
  if (!window.matchMedia("(min-width: 761px)").matches) return;
  document.querySelectorAll("details[data-wide-open]").forEach((d) => { d.open = true; });
};
document.addEventListener("DOMContentLoaded", openWideFilters);
document.addEventListener("htmx:afterSwap", openWideFilters);

// A report form is sent once: on a slow connection the button says it is on its way instead
// of inviting a second tap (and a second report).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
  const button = form.querySelector("button[type=submit][data-busy]");
  if (!button) return;
  // Disabled after this turn, so the button's own name/value still goes with the form.
  setTimeout(() => { button.disabled = true; button.textContent = button.dataset.busy; }, 0);
});

// The inspection walk: on a phone, one checklist item at a time. Picking "compliant" or "not
// applicable" moves on; picking "hazard" opens the finding (description, deadline, photo) and
// waits. Without this script every item shows in one long form.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-walk]");
  const nav = form && form.querySelector(".walk-nav");
  if (!form || !nav) return;
  const steps = Array.from(form.querySelectorAll("[data-step]"));
  const prev = nav.querySelector("[data-walk-prev]");
  const next = nav.querySelector("[data-walk-next]");
  const progress = nav.querySelector("[data-walk-progress]");
  let at = 0;
  const show = (n) => {
    at = Math.max(0, Math.min(steps.length - 1, n));
    steps.forEach((step, k) => { step.hidden = k !== at; });
    progress.textContent = `${at + 1} / ${steps.length}`;
    prev.disabled = at === 0;
    next.hidden = at === steps.length - 1;
    window.scrollTo(0, 0);
  };
  nav.hidden = false;
  form.classList.add("walking");
  prev.addEventListener("click", () => show(at - 1));
  next.addEventListener("click", () => show(at + 1));
  form.addEventListener("change", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === "radio" && input.name.startsWith("result_")
        && input.value !== "hazard") {
      setTimeout(() => show(at + 1), 200);
    }
  });
  show(0);
});
