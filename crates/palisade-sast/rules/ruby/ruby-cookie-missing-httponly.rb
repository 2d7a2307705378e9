class SessionsController < ApplicationController
  def create
    token = SecureRandom.hex(32)
    # ruleid: ruby-cookie-missing-httponly
    cookies[:remember] = { value: token, secure: true }
    # ok: ruby-cookie-missing-httponly
    cookies.signed[:remember2] = { value: token, httponly: true, secure: true }
    # ruleid: ruby-cookie-missing-httponly
    cookies.permanent[:auth] = { value: token, httponly: false, secure: true }
    # ok: ruby-cookie-missing-httponly
    cookies[:legacy] = { :value => token, :httponly => true, :secure => true }
  end
end

# config/initializers/session_store.rb
# ruleid: ruby-cookie-missing-httponly
Rails.application.config.session_store :cookie_store, key: "_shop_session", httponly: false, secure: true
# ok: ruby-cookie-missing-httponly
Rails.application.config.session_store :cookie_store, key: "_shop_session", secure: true
