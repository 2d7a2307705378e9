import fs from "fs";
import path from "path";

export function download(req, res) {
  // ruleid: javascript-path-traversal-request
  res.sendFile(path.join(__dirname, "uploads", req.params.name));
  // ruleid: javascript-path-traversal-request
  const data = fs.readFileSync("/srv/files/" + req.query.file);
  // ok: javascript-path-traversal-request
  res.sendFile(path.basename(String(req.params.name)), { root: path.join(__dirname, "uploads") });
}
