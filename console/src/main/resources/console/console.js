// The console's page: one view at a time, chosen by the URL's #fragment, refreshed every 2 s from the console's
// JSON endpoints. Everything from the pipeline is put into the page as text (textContent), never as HTML.
"use strict";

const VIEWS = ["pipeline", "orders", "gallery", "dead-letters"];
const REFRESH_MS = 2000;
let current = "pipeline";
let timer = null;
let shown = "";  // the JSON last rendered: an unchanged answer leaves the DOM (and its images) alone

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function time(ms) {
  return ms ? new Date(ms).toLocaleTimeString() : "";
}

async function api(path, body) {
  const options = body === undefined
    ? { headers: { Accept: "application/json" } }
    : { method: "POST", headers: { "Content-Type": "application/json", "X-Runflow-Console": "1" }, body: JSON.stringify(body) };
  const response = await fetch(path, options);
  const json = await response.json().catch(() => ({ error: "HTTP " + response.status }));
  if (!response.ok) throw new Error(json.error || "HTTP " + response.status);
  return json;
}

function renderPipeline(data) {
  const topics = document.querySelector("#topics tbody");
  topics.replaceChildren(...data.topics.map(t => el("tr", { "data-topic": t.topic },
    el("td", { text: t.topic }),
    el("td", { class: "num count", text: t.records }),
    el("td", { class: "num rate", text: t.perSecond.toFixed(2) }),
    el("td", { text: time(t.lastAt) + (t.undecodable ? " (" + t.undecodable + " undecodable)" : "") }))));
  const readerError = document.getElementById("reader-error");
  readerError.hidden = !data.readerError;
  readerError.textContent = data.readerError || "";
  const lagError = document.getElementById("lag-error");
  lagError.hidden = !data.lagError;
  lagError.textContent = data.lagError || "";
  document.querySelector("#lag tbody").replaceChildren(...data.lag.map(l => el("tr", { "data-group": l.group, "data-topic": l.topic },
    el("td", { text: l.group }), el("td", { text: l.topic }),
    el("td", { class: "num", text: l.partitions }), el("td", { class: "num lag", text: l.lag }))));
  document.getElementById("services").replaceChildren(...data.services.map(s => el("li", { class: "card", "data-service": s.service, "data-ready": String(s.ready) },
    el("strong", { text: s.service }), " ",
    el("span", { class: s.ready ? "ready" : "unready", text: s.ready ? "ready" : s.status }),
    el("div", { class: "uri", text: s.url }),
    el("ul", { class: "tips" }, ...Object.entries(s.components).map(([name, detail]) => el("li", { text: name + ": " + detail }))))));
}

function renderOrders(data) {
  const box = document.getElementById("orders");
  if (!data.orders.length) { box.replaceChildren(el("p", { class: "hint", text: "No order yet." })); return; }
  box.replaceChildren(...data.orders.map(o => {
    const job = o.job;
    const states = [["SUBMITTED", job && job.submittedAt], ["COMPLETED", job && job.completedAt], ["ARCHIVED", job && job.archivedAt]];
    return el("article", { class: "order", "data-order": o.orderId, "data-state": o.state || "NO JOB" },
      el("h3", { text: o.orderId }),
      el("div", { class: "hint", text: "user " + (o.userId || "?") + (job ? " · headshots " + job.headshotsId : " · no job yet") }),
      el("div", { class: "states" }, ...states.map(([name, at]) => el("span", { class: "state" + (at ? " reached" : ""), "data-state": name, text: name + (at ? " " + time(at) : "") }))),
      el("div", { class: "photos" }, ...o.photos.map(({ photo: p, thumbnail }) => el("div", { class: "photo" + (p.decision === "RETAKE" ? " retake" : p.decision === "DEAD_LETTERED" ? " dead" : ""), "data-upload": p.uploadId, "data-decision": p.decision || "PENDING" },
        thumbnail ? el("img", { src: "/thumbs/photo?upload=" + encodeURIComponent(p.uploadId), alt: "photo " + p.uploadId, loading: "lazy" }) : el("div", { class: "uri", text: p.imageUri }),
        el("div", { text: (p.decision === "DEAD_LETTERED" ? "dead-lettered" : p.decision || "waiting for a score") + (p.score !== null ? " · score " + p.score.toFixed(2) + " (threshold " + p.threshold.toFixed(2) + ")" : "") }),
        p.deadLetterReason ? el("div", { class: "reason", text: p.deadLetterReason }) : null,
        p.tips.length ? el("ul", { class: "tips" }, ...p.tips.map(t => el("li", { class: "tip", text: t }))) : null))));
  }));
}

function renderGallery(data) {
  const box = document.getElementById("gallery");
  if (!data.jobs.length) { box.replaceChildren(el("p", { class: "hint", text: "Nothing archived yet." })); return; }
  box.replaceChildren(...data.jobs.map(j => el("article", { class: "job", "data-headshots": j.headshotsId },
    el("h3", { text: (j.orderId || "order not seen") + " · " + j.images + " headshots · archived " + time(j.archivedAt) }),
    el("div", { class: "thumbs" }, ...j.archivedKeys.map(key => el("img", { src: "/thumbs/archive?key=" + encodeURIComponent(key), alt: key, loading: "lazy", width: 96, height: 96 }))))));
}

function renderDeadLetters(data) {
  const box = document.getElementById("dead-letters");
  box.replaceChildren(...Object.entries(data.topics).map(([topic, t]) => el("article", { class: "job", "data-dlq": topic },
    el("h3", {}, topic + " · ", el("span", { class: "total", text: t.total }), " dead letter(s) ",
      el("button", { type: "button", class: "replay", "data-topic": topic, text: "Replay…" })),
    t.letters.length ? el("table", { class: "letters" },
      el("thead", {}, el("tr", {}, el("th", { text: "at" }), el("th", { text: "key" }), el("th", { text: "reason" }), el("th", { text: "headers" }))),
      el("tbody", {}, ...t.letters.map(l => el("tr", { class: "letter", "data-offset": l.partition + "@" + l.offset },
        el("td", { text: time(l.timestamp) }), el("td", { text: l.key }), el("td", { class: "reason", text: l.reason }),
        el("td", { class: "headers", text: Object.entries(l.headers).map(([k, v]) => k + ": " + v).join("\n") })))))
      : el("p", { class: "hint", text: "None." }))));
}

const RENDER = { pipeline: renderPipeline, orders: renderOrders, gallery: renderGallery, "dead-letters": renderDeadLetters };

async function refresh() {
  const view = current;
  const live = document.getElementById("live");
  try {
    const data = await api("/api/" + view);
    const json = view + JSON.stringify(data);
    if (view === current && json !== shown) {
      RENDER[view](data);
      shown = json;
    }
    live.className = "live ok";
    live.textContent = "live · " + new Date().toLocaleTimeString();
  } catch (e) {
    live.className = "live bad";
    live.textContent = "not updated: " + e.message;
  }
}

function show() {
  const wanted = location.hash.replace("#", "");
  current = VIEWS.includes(wanted) ? wanted : "pipeline";
  for (const view of VIEWS) {
    document.getElementById("view-" + view).hidden = view !== current;
    document.getElementById("nav-" + view).classList.toggle("active", view === current);
  }
  document.body.dataset.view = current;
  shown = "";
  clearInterval(timer);
  refresh();
  timer = setInterval(refresh, REFRESH_MS);
}

// The replay: a dry run first, shown in a dialog; the replay itself only when its Replay button confirms it.
let pending = null;

async function dryRun(topic) {
  const dialog = document.getElementById("replay-dialog");
  const confirm = document.getElementById("replay-confirm");
  document.getElementById("replay-title").textContent = "Replay " + topic + "?";
  document.getElementById("replay-summary").textContent = "Dry run…";
  document.getElementById("replay-lines").textContent = "";
  confirm.hidden = true;
  dialog.dataset.state = "running";
  if (!dialog.open) dialog.showModal();
  try {
    const report = await api("/api/replay/dry-run", { topic });
    pending = { topic, confirmation: report.confirmation };
    document.getElementById("replay-summary").textContent = "Dry run: " + report.records + " record(s) would be sent back to the topic each came from"
      + (report.skipped ? ", " + report.skipped + " skipped (no source topic)" : "") + ". Nothing was sent yet.";
    document.getElementById("replay-lines").textContent = report.lines.join("\n");
    confirm.hidden = report.records === 0;
    dialog.dataset.state = "dry-run";
  } catch (e) {
    document.getElementById("replay-summary").textContent = "Dry run failed: " + e.message;
    dialog.dataset.state = "failed";
  }
}

async function replay() {
  if (!pending) return;
  const dialog = document.getElementById("replay-dialog");
  const { topic, confirmation } = pending;
  pending = null;
  document.getElementById("replay-confirm").hidden = true;
  dialog.dataset.state = "running";
  try {
    const report = await api("/api/replay", { topic, confirmation });
    document.getElementById("replay-summary").textContent = "Replayed " + report.records + " record(s) from " + topic + ".";
    document.getElementById("replay-lines").textContent = report.lines.join("\n");
    dialog.dataset.state = "done";
  } catch (e) {
    document.getElementById("replay-summary").textContent = "Replay failed: " + e.message;
    dialog.dataset.state = "failed";
  }
  refresh();
}

document.addEventListener("DOMContentLoaded", () => {
  window.addEventListener("hashchange", show);
  document.getElementById("dead-letters").addEventListener("click", e => {
    const button = e.target.closest("button.replay");
    if (button) dryRun(button.dataset.topic);
  });
  document.getElementById("replay-confirm").addEventListener("click", replay);
  document.getElementById("replay-cancel").addEventListener("click", () => {
    pending = null;
    document.getElementById("replay-dialog").close();
  });
  show();
});
