class UsersController < ApplicationController
  def index
    # ruleid: ruby-activerecord-sql-interpolation
    @users = User.where("name = '#{params[:name]}'")
    # ruleid: ruby-activerecord-sql-interpolation
    ActiveRecord::Base.connection.execute("DELETE FROM sessions WHERE user_id = " + params[:id])
    # ok: ruby-activerecord-sql-interpolation
    @safe = User.where("name = ?", params[:name])
    # ok: ruby-activerecord-sql-interpolation
    @also = User.where(name: params[:name])
  end
end
