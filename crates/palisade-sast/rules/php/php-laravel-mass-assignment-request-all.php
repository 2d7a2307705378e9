<?php
class ProfileController {
    public function update(Request $request, User $user) {
        // ruleid: php-laravel-mass-assignment-request-all
        $user->update($request->all());
        // ok: php-laravel-mass-assignment-request-all
        $user->update($request->validate(['name' => 'required|string', 'bio' => 'nullable|string']));
    }
}
