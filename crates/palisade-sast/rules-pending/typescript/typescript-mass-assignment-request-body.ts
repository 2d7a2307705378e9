export async function updateProfile(req: Request, res: Response) {
  // ruleid: typescript-mass-assignment-request-body
  await User.findByIdAndUpdate(req.user.id, req.body);
  const { displayName, bio } = req.body;
  // ok: typescript-mass-assignment-request-body
  await User.findByIdAndUpdate(req.user.id, { displayName, bio });
  res.end();
}
