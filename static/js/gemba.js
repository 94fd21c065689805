// Gemba walks on a tablet: keep each walk in IndexedDB, send it to PUT /api/v1/gemba-walks/{client_id} when
// there is a connection, let the user choose when the server's copy changed meanwhile, and clear the tablet's
// walks on sign-out. Loaded on every signed-in page (for sign-out and sending); the capture form is on /walks/new.
const DB_NAME = "impact-gemba";
const STORE = "walks";
const PAGE_CACHE = "impact-gemba-pages";
const UNSENT_TEXT = "Saved on this tablet — will send when online";
const TYPE_LABELS = { gemba: "Gemba walk", safety: "Safety walkround", huddle: "Huddle visit", other: "Other" };

// ---- storage -------------------------------------------------------------------------------------------
function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "client_id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, action) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = action(tx.objectStore(STORE));
    tx.oncomplete = () => { db.close(); resolve(request && request.result); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  });
}

const allWalks = () => withStore("readonly", (store) => store.getAll());
const getWalk = (id) => withStore("readonly", (store) => store.get(id));
const putWalk = (record) => withStore("readwrite", (store) => store.put(record));
const removeWalk = (id) => withStore("readwrite", (store) => store.delete(id));
const clearWalks = () => withStore("readwrite", (store) => store.clear());

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- sending -------------------------------------------------------------------------------------------
const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

async function send(record) {
  const response = await fetch(`/api/v1/gemba-walks/${record.client_id}`, {
    method: "PUT",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ ...record.walk, version: record.version }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 200 || response.status === 201) {
    Object.assign(record, { state: "sent", version: body.version, url: body.url, warnings: body.warnings || [] });
  } else if (response.status === 409) {
    Object.assign(record, { state: "conflict", server: body.current });
  } else if (response.status === 422) {
    Object.assign(record, { state: "invalid", errors: body.errors || [] });
  } else {
    throw new Error(`not sent: ${response.status}`);
  }
  await putWalk(record);
}

let syncing = null;

// Send every unsent walk, one at a time; a single run at once, so retries and double taps make one walk.
function syncAll() {
  if (!syncing) {
    syncing = (async () => {
      for (const record of await allWalks()) {
        if (record.state !== "unsent") continue;
        try { await send(record); } catch (error) { break; }
      }
    })().finally(() => { syncing = null; });
  }
  return syncing.then(render);
}

// ---- the capture form ----------------------------------------------------------------------------------
const form = document.getElementById("gemba-walk-form");
const rows = (prefix) => {
  let n = 0;
  while (form.elements[`${prefix}_${n + 1}_${prefix === "concern" ? "text" : "what"}`]) n += 1;
  return Array.from({ length: n }, (_, i) => i + 1);
};

function walkFromForm() {
  const data = new FormData(form);
  const text = (name) => (data.get(name) || "").toString().trim();
  const walk = {
    date: text("walked_on") || null, time: text("start_time") || null, type: text("walk_type") || "gemba",
    unit: text("unit_id") ? Number(text("unit_id")) : null, leaders: data.getAll("leaders"),
    observations: text("observations"), went_well: text("went_well"), ideas: text("ideas"),
    projects: data.getAll("projects").map(Number), staff_roles: [], concerns: [], actions: [],
  };
  for (const input of form.querySelectorAll('input[name^="role_"]')) {
    if (input.value) walk.staff_roles.push({ role: input.name.slice(5), count: Number(input.value) });
  }
  for (const n of rows("concern")) {
    if (text(`concern_${n}_text`)) walk.concerns.push({ category: text(`concern_${n}_category`), text: text(`concern_${n}_text`) });
  }
  for (const n of rows("action")) {
    const action = { what: text(`action_${n}_what`), owner: text(`action_${n}_owner`), due: text(`action_${n}_due`) || null };
    if (action.what || action.owner || action.due) walk.actions.push({ ...action, status: "open" });
  }
  return walk;
}

function problems(walk) {
  const found = [];
  if (!walk.date) found.push(["walked_on", "Enter the date of the walk"]);
  walk.concerns.forEach((c, i) => { if (!c.category) found.push([`concern_${i + 1}_category`, `Choose a category for concern ${i + 1}`]); });
  walk.actions.forEach((a, i) => {
    if (!a.what) found.push([`action_${i + 1}_what`, `Say what will be done for action ${i + 1}`]);
    if (!a.owner) found.push([`action_${i + 1}_owner`, `Choose who will do action ${i + 1}`]);
    if (!a.due) found.push([`action_${i + 1}_due`, `Enter when action ${i + 1} is due`]);
  });
  return found;
}

// Each message also goes beside its field, as the NHS.UK error pattern does for pages the server renders.
function clearFieldErrors() {
  for (const message of form.querySelectorAll("[data-gemba-error]")) message.remove();
  for (const group of form.querySelectorAll(".nhsuk-form-group--error")) group.classList.remove("nhsuk-form-group--error");
  for (const field of form.querySelectorAll(".nhsuk-input--error, .nhsuk-select--error, .nhsuk-textarea--error")) {
    field.classList.remove("nhsuk-input--error", "nhsuk-select--error", "nhsuk-textarea--error");
  }
  for (const field of form.querySelectorAll("[aria-describedby]")) {
    const describedBy = (field.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-error"));
    if (describedBy.length) field.setAttribute("aria-describedby", describedBy.join(" ")); else field.removeAttribute("aria-describedby");
  }
}

function showFieldError(target, message) {
  const field = target instanceof RadioNodeList ? target[0] : target;
  const group = field?.closest(".nhsuk-form-group");
  if (!field || !group) return;
  group.classList.add("nhsuk-form-group--error");
  const kind = field.tagName === "SELECT" ? "select" : field.tagName === "TEXTAREA" ? "textarea" : "input";
  field.classList.add(`nhsuk-${kind}--error`);
  const error = element("span", { class: "nhsuk-error-message", id: `${field.id}-error`, "data-gemba-error": "" },
    element("span", { class: "nhsuk-u-visually-hidden" }, "Error: "), message);
  const choices = field.closest(".nhsuk-radios, .nhsuk-checkboxes");
  (choices || field).before(error);
  const described = choices ? choices.closest("fieldset") || field : field;
  described.setAttribute("aria-describedby", [described.getAttribute("aria-describedby"), error.id].filter(Boolean).join(" "));
}

function showProblems(found) {
  document.getElementById("gemba-problems")?.remove();
  clearFieldErrors();
  if (!found.length) return;
  for (const [name, message] of found) showFieldError(form.elements[name], message);
  const box = element("div", { class: "nhsuk-error-summary", id: "gemba-problems", tabindex: "-1", role: "alert" });
  box.append(element("h2", { class: "nhsuk-error-summary__title" }, "There is a problem"));
  const list = element("ul", { class: "nhsuk-list nhsuk-error-summary__list" });
  for (const [name, message] of found) {
    const target = form.elements[name];
    const id = target?.id || target?.[0]?.id || name;
    list.append(element("li", {}, element("a", { href: `#${id}` }, message)));
  }
  box.append(list);
  form.before(box);
  box.focus();
}

async function saveFromForm(event) {
  event.preventDefault();
  const button = event.submitter;
  if (button) button.disabled = true;
  try {
    const walk = walkFromForm();
    const found = problems(walk);
    showProblems(found);
    if (found.length) return;
    const clientId = form.elements.client_id.value;
    const kept = await getWalk(clientId);
    await putWalk({ client_id: clientId, walk, state: "unsent", version: kept ? kept.version : null, saved_at: Date.now() });
    form.reset();
    form.elements.client_id.value = newClientId();
    window.scrollTo(0, 0);
    await render();
    await syncAll();
  } finally {
    if (button) button.disabled = false;
  }
}

function setField(name, value) {
  const field = form.elements[name];
  if (!field) return;
  if (field instanceof RadioNodeList || field.type === "checkbox") {
    const values = (Array.isArray(value) ? value : [value]).map(String);
    for (const input of field instanceof RadioNodeList ? field : [field]) input.checked = values.includes(input.value);
  } else {
    field.value = value ?? "";
  }
}

function loadIntoForm(record) {
  const walk = record.walk;
  form.reset();
  form.elements.client_id.value = record.client_id;
  const plain = { walked_on: walk.date, start_time: walk.time, walk_type: walk.type, unit_id: walk.unit ?? "",
    leaders: walk.leaders, observations: walk.observations, went_well: walk.went_well, ideas: walk.ideas, projects: walk.projects };
  Object.entries(plain).forEach(([name, value]) => setField(name, value));
  (walk.staff_roles || []).forEach((row) => setField(`role_${row.role}`, row.count));
  (walk.concerns || []).forEach((c, i) => { setField(`concern_${i + 1}_text`, c.text); setField(`concern_${i + 1}_category`, c.category); });
  (walk.actions || []).forEach((a, i) => {
    setField(`action_${i + 1}_what`, a.what); setField(`action_${i + 1}_owner`, a.owner); setField(`action_${i + 1}_due`, a.due);
  });
  form.scrollIntoView();
  form.elements.walked_on.focus();
}

// ---- showing the walks kept on this tablet ---------------------------------------------------------------
function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes).forEach(([key, value]) => node.setAttribute(key, value));
  node.append(...children);
  return node;
}

function button(text, onClick, secondary = true) {
  const node = element("button", { type: "button", class: `nhsuk-button${secondary ? " nhsuk-button--secondary" : ""} app-gemba-small-button` }, text);
  node.addEventListener("click", onClick);
  return node;
}

const walkTitle = (walk) => `${TYPE_LABELS[walk.type] || "Walk"} on ${walk.date || "an unknown date"}`;

function summary(walk, heading) {
  const box = element("div", { class: "app-gemba-version" }, element("h4", { class: "nhsuk-heading-xs" }, heading));
  const list = element("dl", { class: "nhsuk-summary-list" });
  const rowsShown = [["Date", `${walk.date || ""} ${walk.time || ""}`], ["Type", TYPE_LABELS[walk.type] || walk.type],
    ["What they saw", walk.observations], ["Going well", walk.went_well],
    ["Concerns", (walk.concerns || []).map((c) => `${c.category}: ${c.text}`).join("; ")], ["Ideas", walk.ideas],
    ["Actions", (walk.actions || []).map((a) => `${a.what} (${a.owner}, ${a.due}, ${a.status})`).join("; ")]];
  for (const [key, value] of rowsShown) {
    list.append(element("div", { class: "nhsuk-summary-list__row" }, element("dt", { class: "nhsuk-summary-list__key" }, key),
      element("dd", { class: "nhsuk-summary-list__value" }, value || "–")));
  }
  box.append(list);
  return box;
}

async function keepTablet(record) {
  Object.assign(record, { state: "unsent", version: record.server.version, server: null });
  await putWalk(record);
  await syncAll();
}

async function keepServer(record) {
  await removeWalk(record.client_id);
  status("The server's version has been kept; this tablet's copy was discarded.");
  await render();
}

function outboxItem(record) {
  const item = element("li", { class: "app-gemba-outbox__item", "data-client-id": record.client_id },
    element("h3", { class: "nhsuk-heading-s nhsuk-u-margin-bottom-1" }, walkTitle(record.walk)));
  const texts = { unsent: UNSENT_TEXT, sent: "Sent", conflict: "Changed elsewhere since this tablet last sent it. Choose which version to keep.",
    invalid: "Not sent: some answers need changing." };
  item.append(element("p", { class: `app-gemba-state app-gemba-state--${record.state}` }, texts[record.state]));
  const notes = record.state === "invalid" ? record.errors : record.warnings || [];
  if (notes.length) {
    item.append(element("ul", { class: "nhsuk-list nhsuk-list--bullet" },
      ...notes.map((note) => element("li", {}, `${note.field}: ${note.message}`))));
  }
  if (record.state === "conflict") {
    item.append(element("div", { class: "app-gemba-versions" }, summary(record.walk, "On this tablet"), summary(record.server, "On the server")),
      button("Keep this tablet's version", () => keepTablet(record), false), button("Keep the server's version", () => keepServer(record)));
  } else {
    item.append(button("Edit", () => loadIntoForm(record)));
  }
  if (record.state === "sent" && record.url) item.append(element("a", { class: "nhsuk-link app-gemba-touch", href: record.url }, "View the walk"));
  return item;
}

function status(text) {
  const box = document.getElementById("gemba-status");
  if (box) box.textContent = text;
}

async function render() {
  const list = document.getElementById("gemba-outbox-list");
  if (!list) return;
  const records = (await allWalks()).sort((a, b) => b.saved_at - a.saved_at);
  list.replaceChildren(...records.map(outboxItem));
  document.getElementById("gemba-outbox").hidden = records.length === 0;
  const waiting = records.filter((r) => r.state === "unsent").length;
  status(waiting ? `${waiting} ${waiting === 1 ? "walk" : "walks"}: ${UNSENT_TEXT.toLowerCase()}` : records.length ? "All walks on this tablet have been sent or need a decision." : "");
}

// ---- sign-out on a shared tablet -------------------------------------------------------------------------
async function signOut(event) {
  const signOutForm = event.currentTarget;
  if (signOutForm.dataset.cleared) return;
  event.preventDefault();
  try {
    await syncAll();
    const unsent = (await allWalks()).filter((r) => r.state !== "sent").length;
    const question = `${unsent} ${unsent === 1 ? "walk on this tablet has" : "walks on this tablet have"} not been sent. Sign out anyway and lose ${unsent === 1 ? "it" : "them"}?`;
    if (unsent && !window.confirm(question)) return;
    await clearWalks();
    await caches.delete(PAGE_CACHE);
  } catch (error) {
    // No storage on this browser: nothing is kept, so there is nothing to clear.
  }
  signOutForm.dataset.cleared = "yes";
  signOutForm.requestSubmit();
}

// ---- start-up ------------------------------------------------------------------------------------------
document.querySelector("[data-gemba-sign-out]")?.addEventListener("submit", signOut);
window.addEventListener("online", () => syncAll());
if (form) {
  form.elements.client_id.value = newClientId(); // a page from the cache must not reuse a walk's id
  form.addEventListener("submit", saveFromForm);
}
if (location.pathname.startsWith("/walks") && "serviceWorker" in navigator) {
  navigator.serviceWorker.register("/walks/service-worker", { scope: "/walks" });
}
if ("indexedDB" in window) syncAll();
