class SessionsController < ApplicationController
  def create
    # ruleid: ruby-log-params
    Rails.logger.info("login failed for #{params[:email]}")
    # ok: ruby-log-params
    Rails.logger.info("login failed for #{email.inspect}")
  end
end
