import { Request, Response } from "express";
import * as yaml from "js-yaml";
import serialize from "node-serialize";

export function restore(req: Request, res: Response): void {
  // ruleid: typescript-unsafe-deserialize
  const session: unknown = serialize.unserialize(req.cookies.session);
  // ok: typescript-unsafe-deserialize
  const prefs: Record<string, string> = JSON.parse(req.cookies.prefs);
  res.json({ session, prefs });
}

export function importPipeline(req: Request, res: Response): void {
  const text: string = req.body.pipeline;
  // ruleid: typescript-unsafe-deserialize
  const pipeline = yaml.load(text, { filename: "pipeline.yml", schema: yaml.DEFAULT_FULL_SCHEMA });
  // ok: typescript-unsafe-deserialize
  const safe = yaml.load(text, { filename: "pipeline.yml" });
  res.json({ pipeline, safe });
}
