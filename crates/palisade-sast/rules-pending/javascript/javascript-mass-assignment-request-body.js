export async function updateProfile(req, res) {
  // ruleid: javascript-mass-assignment-request-body
  await User.findByIdAndUpdate(req.user.id, req.body);
  const { displayName, bio } = req.body;
  // ok: javascript-mass-assignment-request-body
  await User.findByIdAndUpdate(req.user.id, { displayName, bio });
  res.end();
}
