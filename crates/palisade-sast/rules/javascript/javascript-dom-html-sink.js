export function render(el, comment) {
  // ruleid: javascript-dom-html-sink
  el.innerHTML = "<p>" + comment.body + "</p>";
  // ok: javascript-dom-html-sink
  el.textContent = comment.body;
  // ok: javascript-dom-html-sink
  el.innerHTML = DOMPurify.sanitize(comment.body);
  // ok: javascript-dom-html-sink
  el.innerHTML = "";
}
