<?php
use App\Http\Middleware\VerifyCsrfToken;

// ruleid: php-laravel-csrf-disabled
Route::post('/transfer', [TransferController::class, 'store'])->withoutMiddleware(VerifyCsrfToken::class);
// ok: php-laravel-csrf-disabled
Route::post('/transfer', [TransferController::class, 'store'])->middleware('auth');
