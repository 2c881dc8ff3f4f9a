// Paired A/B of two builds of the native kernels in ONE process (run it through bench/kernel-ab.sh, which compiles
// each native_target.h as its own translation unit with the target names va and vb). Per repetition both builds run
// one forward + backward pass on identical inputs, in alternating order; thread CPU time. Usage: ab UNITS GRU REPS.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
typedef void (*lf_t)(int,int,int,int,int,int,const float*,const float*,const float*,const float*,float*,float*,float*,float*,float*,float*);
typedef void (*lb_t)(int,int,int,int,int,int,const float*,const float*,const float*,float*,const float*,const float*,const float*,const float*,float*,float*,float*,float*,float*,float*,float*,float*,float*);
typedef void (*gf_t)(int,int,int,int,int,int,const float*,const float*,const float*,const float*,float*,float*,float*,float*,float*,float*);
typedef void (*gb_t)(int,int,int,int,int,int,const float*,const float*,const float*,float*,float*,const float*,const float*,float*,float*,float*,float*,float*,float*,float*,float*,float*);
#define DECL(v) void lstm_forward_##v(); void lstm_backward_##v(); void gru_after_forward_##v(); void gru_after_backward_##v();
DECL(va) DECL(vb)
static double now(void){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static float frand(float s){return ((rand()/(float)RAND_MAX)-0.5f)*s;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
typedef struct { float *x,*W,*U,*bias,*xt,*gates,*aux,*aux2,*hs,*y,*dy,*dx,*dW,*dU,*db,*UT,*WT,*dh,*dh2,*dxt; } arena_t;
static arena_t mk(int T,int B,int D,int H,int gru){ int G=gru?3*H:4*H; size_t off=0,cap=(size_t)160<<20; char*ar=aligned_alloc(64,cap); memset(ar,0,cap);
#define R(n) ((float*)(ar+(off+=(((size_t)(n)*4+63)&~(size_t)63))-(((size_t)(n)*4+63)&~(size_t)63)))
 arena_t a; a.x=R(B*T*D);a.W=R(D*G);a.U=R(H*G);a.bias=R(gru?2*G:G);a.xt=R(T*B*D);a.gates=R((size_t)T*B*G);
 a.aux=R(gru?(size_t)T*B*H:(size_t)(T+1)*B*H); a.aux2=R(gru?B*G:(size_t)T*B*H); a.hs=R((size_t)(T+1)*B*H); a.y=R(B*H);a.dy=R(B*H);a.dx=R(B*T*D);
 a.dW=R(D*G);a.dU=R(H*G);a.db=R(gru?2*G:G);a.UT=R(G*H);a.WT=R(G*D);a.dh=R(B*H);a.dh2=R(B*H);a.dxt=R(T*B*D);
 srand(1); for(int i=0;i<B*T*D;i++)a.x[i]=frand(2); for(int i=0;i<H*G;i++)a.U[i]=frand(2.f/__builtin_sqrtf((float)H)); for(int i=0;i<D*G;i++)a.W[i]=frand(0.4f); for(int i=0;i<B*H;i++)a.dy[i]=frand(0.2f);
 return a; }
int main(int argc,char**argv){ int H=argc>1?atoi(argv[1]):256, gru=argc>2?atoi(argv[2]):0, reps=argc>3?atoi(argv[3]):20; int T=100,B=32,D=1;
 arena_t ar[2]={mk(T,B,D,H,gru),mk(T,B,D,H,gru)}; double t[2][2000];
 void *F[2][4]={{lstm_forward_va,lstm_backward_va,gru_after_forward_va,gru_after_backward_va},{lstm_forward_vb,lstm_backward_vb,gru_after_forward_vb,gru_after_backward_vb}};
 for(int r=0;r<reps+1;r++) for(int q=0;q<2;q++){ int v=(r&1)?1-q:q; arena_t*a=&ar[v]; double s=now();
   if(!gru){((lf_t)F[v][0])(T,B,D,H,0,0,a->x,a->W,a->U,a->bias,a->xt,a->gates,a->aux,a->aux2,a->hs,a->y);
            ((lb_t)F[v][1])(T,B,D,H,0,0,a->W,a->U,a->xt,a->gates,a->aux,a->aux2,a->hs,a->dy,a->dx,a->dW,a->dU,a->db,a->UT,a->WT,a->dh,a->dh2,a->dxt);}
   else {((gf_t)F[v][2])(T,B,D,H,0,0,a->x,a->W,a->U,a->bias,a->xt,a->gates,a->aux,a->hs,a->aux2,a->y);
         ((gb_t)F[v][3])(T,B,D,H,0,0,a->W,a->U,a->xt,a->gates,a->aux,a->hs,a->dy,a->dx,a->dW,a->dU,a->db,a->UT,a->WT,a->dh,a->dh2,a->dxt);}
   if(r>0) t[v][r-1]=(now()-s)*1e3; }
 double d[2000]; for(int r=0;r<reps;r++) d[r]=(t[1][r]-t[0][r])/t[0][r]*100; 
 int same = memcmp(ar[0].dU, ar[1].dU, (size_t)H*(gru?3:4)*H*4)==0 && memcmp(ar[0].dW, ar[1].dW, (size_t)D*(gru?3:4)*H*4)==0 && memcmp(ar[0].hs, ar[1].hs, (size_t)(T+1)*B*H*4)==0 && memcmp(ar[0].dx, ar[1].dx, (size_t)B*T*D*4)==0 && memcmp(ar[0].db, ar[1].db, (size_t)(gru?6:4)*H*4)==0;
 qsort(t[0],reps,8,cmp); qsort(t[1],reps,8,cmp); qsort(d,reps,8,cmp);
 printf("%s %d: A best %.2f med %.2f | B best %.2f med %.2f | B vs A paired median %+.1f%% (q1 %+.1f%%, q3 %+.1f%%) | results %s\n", gru?"GRU":"LSTM",H,t[0][0],t[0][reps/2],t[1][0],t[1][reps/2],d[reps/2],d[reps/4],d[3*reps/4], same?"identical":"DIFFER");
}
