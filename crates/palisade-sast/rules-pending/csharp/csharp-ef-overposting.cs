public class UsersController : Controller {
    [HttpPost]
    public async Task<IActionResult> Edit(User user) {
        // ruleid: csharp-ef-overposting
        _context.Update(user);
        await _context.SaveChangesAsync();
        return Ok();
    }
    [HttpPost]
    public async Task<IActionResult> EditSafe(int id, ProfileInput input) {
        var user = await _context.Users.FindAsync(id);
        user.DisplayName = input.DisplayName;
        // ok: csharp-ef-overposting
        await _context.SaveChangesAsync();
        return Ok();
    }
}
