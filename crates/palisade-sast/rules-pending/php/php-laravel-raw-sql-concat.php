<?php
use Illuminate\Support\Facades\DB;

function search(string $term) {
    // ruleid: php-laravel-raw-sql-concat
    $a = DB::select("SELECT * FROM posts WHERE title LIKE '%$term%'");
    // ruleid: php-laravel-raw-sql-concat
    $b = Post::query()->whereRaw("title = '" . $term . "'")->get();
    // ok: php-laravel-raw-sql-concat
    $c = DB::select("SELECT * FROM posts WHERE title LIKE ?", ["%{$term}%"]);
    return [$a, $b, $c];
}
