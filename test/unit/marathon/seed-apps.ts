/**
 * The app JSON files of the seeds (004: nginx.json, tomcat.json, the volumes
 * app, the fixed-ports app, basic-0), as the user posts them (the blog's
 * inline `#` remark after the nginx image is not part of the file).
 */

/** Seed case 21. */
export const BASIC_0 = `{
    "id": "basic-0", 
    "cmd": "while [ true ] ; do echo 'Hello hello' >> /mnt/test ; sleep 5 ; done",
    "cpus": 0.1,
    "mem": 10.0,
    "instances": 1
}`;

/** Seed case 14. */
export const NGINX = `{

"id":"nginx",

"cpus":0.2,

"mem":32.0,

"instances": 1,

"constraints": [["hostname", "UNIQUE",""]],

"container": {

"type":"DOCKER",

"docker": {

"image": "docker.io/nginx",

"network": "BRIDGE",

"portMappings": [

{"containerPort": 80, "hostPort": 0,"servicePort": 0, "protocol": "tcp" }

]

  }

    }

      }`;

/** Seed case 17. */
export const TOMCAT = `{
 
"id":"tomcat",
 
"cpus":1,
 
"mem":128,
 
"instances": 1,
 
"constraints": [["hostname", "UNIQUE",""]],
 
"container": {
 
"type":"DOCKER",
 
"docker": {
 
"image": "docker.io/tomcat",                                             
 
"network": "BRIDGE",
 
"portMappings": [
 
{"containerPort": 8080, "hostPort": 0,"servicePort": 0, "protocol": "tcp" }
 
]
 
  }
 
    }
 
      }`;

/** Seed case 19. */
export const NGINX_VOLUMES = `{
  "id": "nginx",
  "cmd": null,
  "cpus": 1,
  "mem": 128,
  "disk": 0,
  "instances": 1,
  "container": {
    "docker": {
      "image": "docker.io/nginx",
      "network": "BRIDGE",
      "portMappings": [
        {
          "containerPort": 80,
          "protocol": "tcp",
          "name": null,
          "labels": null
        }
      ]
    },
    "type": "DOCKER",
    "volumes": [
      {
        "containerPath": "/usr/share/nginx/html",
        "hostPath": "/opt/web/www",
        "mode": "RW"
      }
    ]
  }
}`;

/** Seed case 20. */
export const NGINX_FIXED_PORTS = `{
 
"id":"nginx",
 
"cpus":0.2,
 
"mem":32.0,
 
"instances": 1,
 
"constraints": [["hostname", "UNIQUE",""]],
 
"container": {
 
"type":"DOCKER",
 
"docker": {
 
"image": "docker.io/nginx",                                             
 
"network": "BRIDGE",
 
"portMappings": [
 
{"containerPort": 80, "hostPort": 31030,"servicePort": 33180, "protocol": "tcp" }
 
]
 
  }
 
    }
 
      }`;
