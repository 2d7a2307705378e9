import fs from "fs";
import path from "path";

export function download(req: Request, res: Response) {
  // ruleid: typescript-path-traversal-request
  res.sendFile(path.join(__dirname, "uploads", req.params.name));
  // ruleid: typescript-path-traversal-request
  const data = fs.readFileSync("/srv/files/" + req.query.file);
  // ok: typescript-path-traversal-request
  res.sendFile(path.basename(String(req.params.name)), { root: path.join(__dirname, "uploads") });
}
