class SessionsController < ApplicationController
  def create
    # ruleid: ruby-cookie-missing-secure
    cookies[:remember] = { value: token, httponly: true }
    # ok: ruby-cookie-missing-secure
    cookies.signed[:remember2] = { value: token, httponly: true, secure: true, same_site: :lax }
  end
end
