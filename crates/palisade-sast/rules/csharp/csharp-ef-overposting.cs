using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

public class UsersController : Controller {
    private readonly AppDbContext _context;

    [HttpPost]
    public async Task<IActionResult> Edit(User user) {
        // ruleid: csharp-ef-overposting
        _context.Update(user);
        await _context.SaveChangesAsync();
        return Ok();
    }

    [HttpPost]
    public async Task<IActionResult> EditState(int id, User user) {
        // ruleid: csharp-ef-overposting
        _context.Entry(user).State = EntityState.Modified;
        await _context.SaveChangesAsync();
        return Ok();
    }

    [HttpPost]
    public IActionResult EditSet(User user) {
        // ruleid: csharp-ef-overposting
        _context.Users.Update(user);
        _context.SaveChanges();
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

    [HttpPost]
    public async Task<IActionResult> EditBound(int id) {
        var user = await _context.Users.FindAsync(id);
        // ruleid: csharp-ef-overposting
        if (await TryUpdateModelAsync(user)) {
            await _context.SaveChangesAsync();
        }
        return Ok();
    }

    [HttpPost]
    public async Task<IActionResult> EditBoundSafe(int id) {
        var user = await _context.Users.FindAsync(id);
        // ok: csharp-ef-overposting
        if (await TryUpdateModelAsync(user, "", u => u.DisplayName, u => u.Email)) {
            await _context.SaveChangesAsync();
        }
        return Ok();
    }
}

public class UserService {
    private readonly AppDbContext _db;

    public void Rename(User user, string name) {
        user.DisplayName = name;
        // ok: csharp-ef-overposting
        _db.Update(user);
        _db.SaveChanges();
    }
}
