import React from "react";
import DOMPurify from "dompurify";

export function Comment(props) {
  // ruleid: javascript-react-dangerously-set-inner-html
  const a = React.createElement("div", { dangerouslySetInnerHTML: { __html: props.body } });
  // ok: javascript-react-dangerously-set-inner-html
  const b = React.createElement("div", { dangerouslySetInnerHTML: { __html: DOMPurify.sanitize(props.body) } });
  return [a, b];
}
