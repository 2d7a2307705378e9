class SessionsController < ApplicationController
  def create
    token = SecureRandom.hex(32)
    # ruleid: ruby-cookie-missing-secure
    cookies[:remember] = { value: token, httponly: true }
    # ok: ruby-cookie-missing-secure
    cookies.signed[:remember2] = { value: token, httponly: true, secure: true, same_site: :lax }
    # ruleid: ruby-cookie-missing-secure
    cookies.encrypted[:device] = { value: token, httponly: true, secure: false }
    # ok: ruby-cookie-missing-secure
    cookies[:prefs] = { value: "dark", secure: Rails.env.production? }
  end
end

# config/initializers/session_store.rb
# ruleid: ruby-cookie-missing-secure
Rails.application.config.session_store :cookie_store, key: "_shop_session", httponly: true
# ok: ruby-cookie-missing-secure
Rails.application.config.session_store :cookie_store, key: "_shop_session", secure: true
