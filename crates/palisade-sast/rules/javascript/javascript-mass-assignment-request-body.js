const express = require("express");
const User = require("./models/user");

const router = express.Router();

router.post("/signup", async (req, res) => {
  // ruleid: javascript-mass-assignment-request-body
  const user = await User.create(req.body);
  res.status(201).json(user);
});

router.put("/me", async (req, res) => {
  // ruleid: javascript-mass-assignment-request-body
  await User.findByIdAndUpdate(req.user.id, req.body);
  const { displayName, bio } = req.body;
  // ok: javascript-mass-assignment-request-body
  await User.findByIdAndUpdate(req.user.id, { displayName, bio });
  res.end();
});

router.post("/posts", async (req, res) => {
  // ruleid: javascript-mass-assignment-request-body
  const post = new Post(req.body);
  await post.save();
  // ruleid: javascript-mass-assignment-request-body
  const draft = await Post.create({ ...req.body, author: req.user.id });
  res.json({ post, draft });
});

router.patch("/settings", async (req, res) => {
  const account = await Account.findById(req.user.accountId);
  // ruleid: javascript-mass-assignment-request-body
  Object.assign(account, req.body);
  await account.save();
  // ok: javascript-mass-assignment-request-body
  Object.assign(account, { theme: String(req.body.theme) });
  res.end();
});
