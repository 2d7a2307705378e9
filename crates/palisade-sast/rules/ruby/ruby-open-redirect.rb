class SessionsController < ApplicationController
  def create
    # ruleid: ruby-open-redirect
    redirect_to params[:return_to]
  end

  def create_safe
    # ok: ruby-open-redirect
    redirect_to root_path
  end
end
