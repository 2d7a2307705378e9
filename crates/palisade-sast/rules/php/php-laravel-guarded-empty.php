<?php
class User extends Model {
    // ruleid: php-laravel-guarded-empty
    protected $guarded = [];
}
class Post extends Model {
    // ok: php-laravel-guarded-empty
    protected $fillable = ['title', 'body'];
}
