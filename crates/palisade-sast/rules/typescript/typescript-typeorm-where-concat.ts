export async function byName(repo: Repository<User>, name: string): Promise<User | null> {
  // ruleid: typescript-typeorm-where-concat
  const a = await repo.createQueryBuilder("u").where(`u.name = '${name}'`).getOne();
  // ok: typescript-typeorm-where-concat
  const b = await repo.createQueryBuilder("u").where("u.name = :name", { name }).getOne();
  return a ?? b;
}
