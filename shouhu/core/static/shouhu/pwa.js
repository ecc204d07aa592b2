/* Shouhu on the phone (issue 19, docs/offline.md): registers the service worker, keeps the
   phone's copy of the worklist and the outbox in IndexedDB, uploads the outbox when online, and
   wipes the phone's copy at logout, at session expiry and on "清除本机数据".
   Plain JavaScript, no build step; every text shown comes from the page (Django's i18n), and
   data is written with textContent only. */
"use strict";
(function () {
  const DB_NAME = "shouhu-offline";
  const BATCH = 50;

  // --- IndexedDB ----------------------------------------------------------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore("meta");
        req.result.createObjectStore("outbox", { keyPath: "id" });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  function tx(store, mode, work) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(store, mode);
      const result = work(t.objectStore(store));
      t.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : result); };
      t.onerror = () => { db.close(); reject(t.error); };
    }));
  }
  const getCopy = () => tx("meta", "readonly", (s) => s.get("copy"));
  const putCopy = (copy) => tx("meta", "readwrite", (s) => s.put(copy, "copy"));
  const dropCopy = () => tx("meta", "readwrite", (s) => s.delete("copy"));
  const outbox = () => tx("outbox", "readonly", (s) => s.getAll());
  const putRecord = (r) => tx("outbox", "readwrite", (s) => s.put(r));
  const dropRecord = (id) => tx("outbox", "readwrite", (s) => s.delete(id));

  function dropDb() {
    return new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = req.onerror = req.onblocked = () => resolve();
    });
  }
  function wipeAll() {
    const steps = [dropDb()];
    if (window.caches) steps.push(caches.keys().then((keys) => Promise.all(keys.map((k) => caches.delete(k)))));
    return Promise.all(steps);
  }

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function localDay() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }

  // --- sync down and upload -----------------------------------------------------------------
  const SYNC_URL = "/care/offline/sync/";
  const UPLOAD_URL = "/care/offline/upload/";

  // The server's copy, saved on the phone; null when the session has ended (the copy is wiped:
  // the outbox stays, sealed to its owner, until they log in again).
  function sync() {
    return fetch(SYNC_URL, { credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" } })
      .then((response) => {
        // Sent to the login page: the session has ended.
        if (response.type === "opaqueredirect") return dropCopy().then(() => ({ expired: true }));
        if (!response.ok) throw new Error(String(response.status));
        return response.json().then((data) => {
          const csrf = data.csrf;
          delete data.csrf;
          return outbox()
            .then((records) => Promise.all(records.filter((r) => r.owner !== data.owner).map((r) => dropRecord(r.id))))
            .then(() => putCopy(data))
            .then(() => ({ copy: data, csrf }));
        });
      });
  }

  function upload() {
    if (!navigator.onLine) return Promise.resolve({ offline: true });
    return sync().then((state) => {
      if (state.expired) return state;
      return outbox().then((records) => {
        const pending = records.filter((r) => r.status === "pending" && r.owner === state.copy.owner);
        let chain = Promise.resolve();
        for (let i = 0; i < pending.length; i += BATCH) {
          const batch = pending.slice(i, i + BATCH);
          chain = chain.then(() => fetch(UPLOAD_URL, {
            method: "POST",
            credentials: "same-origin",
            redirect: "manual",
            headers: { "Content-Type": "application/json", "X-CSRFToken": state.csrf },
            body: JSON.stringify({ records: batch.map((r) => r.payload) }),
          }).then((response) => {
            if (response.type === "opaqueredirect") return { expired: true };
            if (!response.ok) throw new Error(String(response.status));
            return response.json().then((data) => Promise.all(data.results.map((result) => {
              const record = batch.find((r) => r.id === result.id);
              if (!record) return null;
              if (result.status === "refused") {
                record.status = "refused";
                record.reason = result.reason;
                return putRecord(record);
              }
              return dropRecord(record.id);
            })));
          }));
        }
        return chain.then(() => state);
      });
    });
  }

  // --- every page ---------------------------------------------------------------------------
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => null);
  }

  function expireCopy() {
    if (!indexedDB.databases) return dropCopy();
    return indexedDB.databases().then((dbs) => {
      if (!dbs.some((d) => d.name === DB_NAME)) return null;
      return dropCopy().then(outbox).then((records) => (records.length ? null : dropDb()));
    });
  }

  function wipeEverywhere() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("wipe");
    }
    return wipeAll();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const logout = document.querySelector("form.logout");
    const app = document.getElementById("offline-app");
    if (logout) {
      // Logout wipes the phone's copy, the outbox and the cached shell before it leaves.
      logout.addEventListener("submit", (event) => {
        if (logout.dataset.wiped) return;
        event.preventDefault();
        wipeEverywhere().finally(() => { logout.dataset.wiped = "1"; logout.submit(); });
      });
      if (!app) {
        // Logged in: whatever waits in the outbox goes up now and whenever the signal returns.
        outbox().then((records) => { if (records.some((r) => r.status === "pending")) upload().catch(() => null); });
        window.addEventListener("online", () => upload().catch(() => null));
      }
    } else if (!app && navigator.onLine) {
      // A page without a session (the login page after an expiry): the copy goes, and the
      // database with it unless the outbox still holds its owner's records.
      expireCopy().catch(() => null);
    }
    if (app) offlinePage(app);
  });

  // --- the offline page ---------------------------------------------------------------------
  function offlinePage(app) {
    const t = app.dataset;
    const $ = (id) => document.getElementById(id);
    const el = (tag, text, cls) => {
      const node = document.createElement(tag);
      if (text !== undefined) node.textContent = text;
      if (cls) node.className = cls;
      return node;
    };
    const say = (text) => { $("offline-message").textContent = text || ""; };

    function render() {
      return Promise.all([getCopy(), outbox()]).then(([copy, records]) => {
        renderStatus(copy, records);
        renderForm(copy);
        renderOutbox(copy, records);
        renderChildren(copy);
        renderRollCalls(copy);
      });
    }

    function renderStatus(copy, records) {
      const synced = $("offline-synced");
      if (!copy) {
        synced.textContent = t.tNever;
      } else {
        const at = new Date(copy.synced_at);
        const stale = Date.now() - at.getTime() > copy.stale_after_seconds * 1000;
        synced.textContent = `${t.tSynced} ${at.toLocaleString("zh-CN", { hour12: false })}${stale ? " " + t.tStale : ""}`;
        synced.classList.toggle("warn", stale);
        synced.dataset.stale = stale ? "1" : "";
      }
      const pending = records.filter((r) => r.status === "pending").length;
      $("offline-pending").textContent = `${pending} ${t.tPending}`;
    }

    function fill(select, entries) {
      const keep = select.value;
      select.replaceChildren(...entries.map(([value, label]) => {
        const option = el("option", label);
        option.value = value;
        return option;
      }));
      if (entries.some(([value]) => value === keep)) select.value = keep;
    }

    function renderForm(copy) {
      const choices = copy ? copy.choices : { records: {}, signals: {} };
      const types = Object.entries(choices.records);
      if (Object.keys(choices.signals).length) types.push(["signal", t.tSignal]);
      fill($("record-type"), types);
      fill($("record-child"), copy ? copy.children.map((c) => [c.id, `${c.name}（${c.class}）`]) : []);
      fill($("record-signal"), Object.entries(choices.signals));
      if (!$("record-day").value) $("record-day").value = localDay();
      $("record-signal-field").hidden = $("record-type").value !== "signal";
    }

    function childName(copy, id) {
      const child = copy && copy.children.find((c) => c.id === id);
      return child ? child.name : "";
    }

    function renderOutbox(copy, records) {
      const list = $("outbox-list");
      list.replaceChildren(...records.sort((a, b) => a.created_at.localeCompare(b.created_at)).map((record) => {
        const item = el("div", undefined, "card outbox-record");
        item.dataset.id = record.id;
        item.append(el("strong", `${record.label} · ${record.who} · ${record.payload.day}`));
        if (record.status === "refused") {
          item.append(el("p", `${t.tRefused}：${record.reason}`, "warn"));
          const discard = el("button", t.tDiscard, "button secondary");
          discard.type = "button";
          discard.addEventListener("click", () => dropRecord(record.id).then(render));
          item.append(discard);
        } else {
          item.append(el("p", t.tWaiting, "muted"));
        }
        return item;
      }));
    }

    function renderChildren(copy) {
      const list = $("offline-children");
      list.replaceChildren(...(copy ? copy.children : []).map((child) => {
        const item = el("div", undefined, "card");
        item.append(el("strong", child.name));
        const facts = [child.class];
        if (child.guardian) facts.push(`${t.tGuardian}：${child.guardian}`);
        if (child.village) facts.push(child.village);
        item.append(el("p", facts.join(" · "), "muted"));
        if (child.due.length) {
          const due = el("ul");
          child.due.forEach((d) => due.append(el("li", `${d.title} · ${d.due_on}`, d.overdue ? "warn" : "")));
          item.append(due);
        }
        return item;
      }));
    }

    function renderRollCalls(copy) {
      const section = $("roll-calls");
      section.replaceChildren();
      (copy ? copy.classes : []).forEach((cls) => {
        const form = el("form", undefined, "stack card roll-call");
        form.dataset.classId = cls.id;
        form.append(el("h2", `${copy.choices.roll_call}：${cls.name}`));
        if (!cls.school_day || copy.today !== localDay()) {
          form.append(el("p", t.tNotSchoolDay, "muted"));
          section.append(form);
          return;
        }
        cls.pupils.forEach((pupil) => {
          const field = el("div", undefined, "field");
          const label = el("label", pupil.name);
          const select = el("select");
          select.name = pupil.id;
          select.id = `roll-${cls.id}-${pupil.id}`;
          label.htmlFor = select.id;
          fill(select, [["", t.tPresent], ...Object.entries(copy.choices.reasons)]);
          field.append(label, select);
          form.append(field);
        });
        const send = el("button", copy.choices.roll_call);
        send.type = "submit";
        form.append(send);
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          const absent = Array.from(form.querySelectorAll("select")).filter((s) => s.value)
            .map((s) => ({ child: s.name, reason: s.value }));
          save({ type: "roll_call", class: cls.id, day: localDay(), absent }, copy.choices.roll_call, cls.name);
        });
        section.append(form);
      });
    }

    function save(payload, label, who) {
      return getCopy().then((copy) => {
        const id = newId();
        return putRecord({
          id, owner: copy.owner, status: "pending", reason: "", label, who,
          created_at: new Date().toISOString(), payload: { id, ...payload },
        });
      }).then(() => { say(t.tSaved); return render(); }).then(tryUpload);
    }

    function tryUpload() {
      if (!navigator.onLine) { say(t.tOffline); return Promise.resolve(); }
      return upload().then((state) => {
        if (state && state.expired) say(t.tLogin);
        return render();
      }).catch(() => say(t.tOffline));
    }

    $("record-type").addEventListener("change", () => {
      $("record-signal-field").hidden = $("record-type").value !== "signal";
    });
    $("record-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const type = $("record-type").value;
      const child = $("record-child").value;
      const day = $("record-day").value;
      if (!type || !child || !day) { say(t.tRequired); return; }
      const text = $("record-text").value;
      const payload = type === "signal"
        ? { type, child, day, signal: $("record-signal").value, note: text }
        : { type, child, day, summary: text };
      getCopy().then((copy) => {
        const label = type === "signal" ? t.tSignal : copy.choices.records[type];
        $("record-text").value = "";
        return save(payload, label, childName(copy, child));
      });
    });
    $("offline-upload").addEventListener("click", tryUpload);
    $("offline-wipe").addEventListener("click", () => {
      if (!window.confirm(t.tConfirmWipe)) return;
      wipeEverywhere().then(() => { say(t.tWiped); return render(); });
    });
    window.addEventListener("online", tryUpload);
    window.addEventListener("offline", () => say(t.tOffline));
    render().then(tryUpload);
  }
})();
