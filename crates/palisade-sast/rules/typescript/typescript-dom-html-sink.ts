export function render(el, comment) {
  // ruleid: typescript-dom-html-sink
  el.innerHTML = "<p>" + comment.body + "</p>";
  // ok: typescript-dom-html-sink
  el.textContent = comment.body;
  // ok: typescript-dom-html-sink
  el.innerHTML = DOMPurify.sanitize(comment.body);
  // ok: typescript-dom-html-sink
  el.innerHTML = "";
}
