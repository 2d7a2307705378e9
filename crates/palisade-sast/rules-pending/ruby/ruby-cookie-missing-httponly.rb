class SessionsController < ApplicationController
  def create
    # ruleid: ruby-cookie-missing-httponly
    cookies[:remember] = { value: token, secure: true }
    # ok: ruby-cookie-missing-httponly
    cookies.signed[:remember2] = { value: token, httponly: true, secure: true }
  end
end
