import { Request, Response, Router } from "express";
import { Repository } from "typeorm";
import { User } from "./entities/user";

export function userRoutes(users: Repository<User>): Router {
  const router = Router();

  router.post("/users", async (req: Request, res: Response) => {
    // ruleid: typescript-mass-assignment-request-body
    const user = users.create(req.body);
    await users.save(user);
    res.status(201).json(user);
  });

  router.patch("/users/:id", async (req: Request, res: Response) => {
    // ruleid: typescript-mass-assignment-request-body
    await users.update(req.params.id, req.body);
    const { displayName } = req.body as { displayName: string };
    // ok: typescript-mass-assignment-request-body
    await users.update(req.params.id, { displayName });
    res.end();
  });

  router.put("/profile", async (req: Request, res: Response) => {
    const user = await users.findOneByOrFail({ id: req.user.id });
    // ruleid: typescript-mass-assignment-request-body
    Object.assign(user, req.body);
    // ok: typescript-mass-assignment-request-body
    Object.assign(user, { bio: String(req.body.bio ?? "") });
    await users.save(user);
    res.json(user);
  });

  return router;
}
