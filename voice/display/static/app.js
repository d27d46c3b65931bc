// The kiosk's screen: draws the kiosk's events (server-sent, from /events) and sends taps.
// Plain JavaScript, no build step, nothing loaded from anywhere but the kiosk itself.
"use strict";

const STATES = {
  starting: "Starting\u2026",
  listening: "Listening",
  hearing: "Hearing you\u2026",
  answering: "Answering",
  muted: "Microphone off",
  "mic-lost": "Microphone not working",
};
const RECONNECT_MS = 2000; // when the browser gives up on a stream by itself

const $ = (id) => document.getElementById(id);
let muted = false;
let source = null;

function show(element, text) {
  element.hidden = !text;
  if (element.id === "heard") $("heard-text").textContent = text || "";
  else element.textContent = text || "";
}

function setState(state) {
  document.body.dataset.state = state;
  $("state-text").textContent = STATES[state] || state;
  if (state === "hearing") {
    show($("question"), "");
    show($("answer"), "");
    show($("heard"), "");
  }
  $("prompt").hidden = !!($("answer").textContent || $("heard-text").textContent);
}

function setMuted(value) {
  muted = value;
  document.body.dataset.muted = value ? "yes" : "no";
  const button = $("mute");
  button.setAttribute("aria-pressed", value ? "true" : "false");
  button.textContent = value ? "Turn microphone on" : "Mute microphone";
  for (const b of document.querySelectorAll(".example")) b.disabled = value;
}

function showAnswer(row) {
  if (!row) return;
  show($("heard"), row.transcript || "");
  show($("question"), row.question || "");
  show($("answer"), row.answer || "");
  $("answer").classList.toggle("long", (row.answer || "").length > 280);
  showQuestions($("suggested-list"), row.suggested || []);
  $("prompt").hidden = true;
}

function showExamples(examples) {
  showQuestions($("example-list"), examples);
  $("examples").hidden = examples.length === 0;
}

// Buttons that ask a question by tapping it: the examples, and the questions a refusal named.
function showQuestions(list, examples) {
  list.replaceChildren();
  list.hidden = examples.length === 0;
  for (const example of examples) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "example";
    button.dataset.id = example.id;
    button.textContent = example.question;
    button.disabled = muted;
    button.addEventListener("click", () => ask(example.id, button));
    const item = document.createElement("li");
    item.append(button);
    list.append(item);
  }
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

async function ask(id, button) {
  button.classList.add("chosen");
  try {
    await post("/api/answer", { id });
  } catch (error) {
    console.warn(error);
  } finally {
    setTimeout(() => button.classList.remove("chosen"), 600);
  }
}

function connect() {
  source = new EventSource("/events");
  source.addEventListener("open", () => {
    document.body.dataset.connected = "yes";
  });
  source.addEventListener("error", () => {
    document.body.dataset.connected = "no";
    if (source.readyState === EventSource.CLOSED) {
      // The browser retries by itself unless the answer was not an event stream at all.
      setTimeout(connect, RECONNECT_MS);
    }
  });
  source.addEventListener("snapshot", (event) => {
    const data = JSON.parse(event.data);
    document.body.dataset.connected = "yes";
    showExamples(data.examples);
    setMuted(data.muted);
    showAnswer(data.answer);
    setState(data.state);
    if (data.partial) show($("heard"), data.partial);
  });
  source.addEventListener("state", (event) => {
    const data = JSON.parse(event.data);
    if ("muted" in data) setMuted(data.muted);
    setState(data.state);
  });
  source.addEventListener("partial", (event) => {
    const data = JSON.parse(event.data);
    show($("heard"), data.text);
    $("prompt").hidden = true;
  });
  source.addEventListener("answer", (event) => showAnswer(JSON.parse(event.data)));
  source.addEventListener("examples", (event) => {
    showExamples(JSON.parse(event.data).examples);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("mute").addEventListener("click", () => {
    post("/api/mute", { muted: !muted }).then((r) => setMuted(r.muted), console.warn);
  });
  connect();
});
