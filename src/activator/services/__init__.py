"""`[services]` under supervisor, tied to the life of the environment's activations.

    layout.py     where a project's services keep their files (private, 0700)
    config.py     supervisord.conf and one generated bash script per service
    rpc.py        a small XML-RPC client over supervisord's unix socket
    processes.py  finding and stopping service processes (markers, recorded pids)
    keeper.py     the process that runs supervisord and stops the services
                  when the last activation of the environment ends
    control.py    start, stop, restart, status, logs (for activate -s and
                  `activate services`)

Nothing here is imported when activating unless services are started: the
hot path (attach, --print, --) never pays for supervisor or xmlrpc.
"""
